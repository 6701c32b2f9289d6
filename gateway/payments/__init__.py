"""Payments: notices, counter and online payments, receipts (contract in ``operations``)."""
