"""A transparency log's building blocks, free of Flask and of any database.

``merkle``: RFC 9162 hashing, tree heads, inclusion and consistency proofs and their
verification. ``note``: C2SP signed notes and ``tlog-checkpoint`` bodies with Ed25519
signatures and verifier keys. The gateway keeps the tree in its database and signs with a
key file; a witness or a citizen checks with this package alone (or the standalone script in
``tools/``).
"""
