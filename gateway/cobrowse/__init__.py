"""Live help: a shared view of one transaction between a citizen and a clerk on the phone."""
