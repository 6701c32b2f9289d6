"""Forms on the web and across channels: rendering definitions, drafts, resume codes."""
