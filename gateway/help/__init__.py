"""Help from anywhere: appointments at an office desk, call-backs, and the clerks' queue."""
