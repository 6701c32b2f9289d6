"""Shared health records: the patient's own pages and the clinicians' consultation pages."""
