"""The "how clear is the information on this page?" box of the content pages, and its report."""
