"""Traffic fines: the citizen's fines page, notices for them and their delivery to the
municipal police's fines system."""
