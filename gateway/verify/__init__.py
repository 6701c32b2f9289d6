"""Public verification of sealed documents and the published seal keys."""
