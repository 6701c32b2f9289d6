"""The children's school records and the school certificate journey."""
