"""Transactions: the state machine, reference codes and the operations that change them."""
