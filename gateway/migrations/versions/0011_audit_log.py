"""audit log

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02

The audit log becomes a transparency log: entries are plain inserts (their id from a
sequence), a sequencer gives each a position in an RFC 9162 Merkle tree whose complete
subtrees are stored in audit_node, and signed checkpoints are kept in audit_checkpoint (and
in a file outside the database). The existing chain becomes the first leaves of the tree, in
sequence order; its per-entry hashes give way to the tree.
"""

import datetime
import hashlib
import json

from alembic import op
import sqlalchemy as sa


revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


ENTRIES = sa.table(
    "audit_entry",
    sa.column("seq", sa.Integer()),
    sa.column("at", sa.DateTime()),
    sa.column("actor", sa.String()),
    sa.column("action", sa.String()),
    sa.column("subject", sa.String()),
    sa.column("channel", sa.String()),
    sa.column("data", sa.Text()),
)


def _entries(bind):
    return bind.execute(sa.select(ENTRIES).order_by(ENTRIES.c.seq)).all()


def _canonical(row) -> bytes:
    # The same bytes as gateway.audit.log.entry_bytes, frozen here as of this revision.
    at = row.at if row.at.tzinfo else row.at.replace(tzinfo=datetime.timezone.utc)
    text = at.astimezone(datetime.timezone.utc).isoformat(timespec="microseconds")
    body = {
        "seq": row.seq,
        "at": text,
        "actor": row.actor,
        "action": row.action,
        "subject": row.subject,
        "channel": row.channel,
        "data": row.data,
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _build_tree(bind) -> None:
    rows = _entries(bind)
    left: dict[tuple[int, int], bytes] = {}
    nodes = []
    for position, row in enumerate(rows):
        h = hashlib.sha256(b"\x00" + _canonical(row)).digest()
        level, index = 0, position
        nodes.append({"level": 0, "index": position, "hash": h})
        left[0, position] = h
        while index & 1:
            h = hashlib.sha256(b"\x01" + left[level, index - 1] + h).digest()
            level, index = level + 1, index >> 1
            left[level, index] = h
            nodes.append({"level": level, "index": index, "hash": h})
        bind.execute(
            sa.text("UPDATE audit_entry SET position = :p WHERE seq = :s"),
            {"p": position, "s": row.seq},
        )
    if nodes:
        bind.execute(
            sa.text('INSERT INTO audit_node (level, "index", hash) VALUES (:level, :index, :hash)'),
            nodes,
        )
    # The root: the complete subtrees of the size's binary decomposition, folded from the right.
    root, start = None, 0
    subtrees = []
    for level in reversed(range(len(rows).bit_length())):
        if len(rows) >> level & 1:
            subtrees.append(left[level, start >> level])
            start += 1 << level
    for h in reversed(subtrees):
        root = h if root is None else hashlib.sha256(b"\x01" + h + root).digest()
    bind.execute(
        sa.text("UPDATE audit_head SET seq = :n, last_hash = :r WHERE id = 1"),
        {"n": len(rows), "r": (root or hashlib.sha256(b"").digest()).hex()},
    )


def upgrade() -> None:
    bind = op.get_bind()
    op.create_table(
        "audit_node",
        sa.Column("level", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("index", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("hash", sa.LargeBinary(length=32), nullable=False),
        sa.PrimaryKeyConstraint("level", "index", name=op.f("pk_audit_node")),
    )
    op.create_table(
        "audit_checkpoint",
        sa.Column("size", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("root", sa.LargeBinary(length=32), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("cosigned", sa.Text(), nullable=True),
        sa.Column("signed_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("size", name=op.f("pk_audit_checkpoint")),
    )
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.add_column(sa.Column("position", sa.BigInteger(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_audit_entry_position"), ["position"])
        batch_op.drop_column("prev_hash")
        batch_op.drop_column("hash")
    op.create_index(
        "ix_audit_entry_unsequenced",
        "audit_entry",
        ["seq"],
        unique=False,
        postgresql_where=sa.text("position IS NULL"),
        sqlite_where=sa.text("position IS NULL"),
    )
    if bind.dialect.name == "postgresql":
        op.execute("CREATE SEQUENCE audit_entry_seq_seq OWNED BY audit_entry.seq")
        op.execute(
            "SELECT setval('audit_entry_seq_seq', COALESCE(MAX(seq), 0) + 1, false) "
            "FROM audit_entry"
        )
        op.execute(
            "ALTER TABLE audit_entry ALTER COLUMN seq SET DEFAULT nextval('audit_entry_seq_seq')"
        )
    _build_tree(bind)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("ALTER TABLE audit_entry ALTER COLUMN seq DROP DEFAULT")
        op.execute("DROP SEQUENCE IF EXISTS audit_entry_seq_seq")
    op.drop_index(
        "ix_audit_entry_unsequenced",
        table_name="audit_entry",
        postgresql_where=sa.text("position IS NULL"),
        sqlite_where=sa.text("position IS NULL"),
    )
    # The chain's hashes are recomputed from the entries, in sequence order (a gap that a
    # rolled-back append left in the sequence stays a gap the old chain reports).
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_audit_entry_position"), type_="unique")
        batch_op.drop_column("position")
        batch_op.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("hash", sa.String(length=64), nullable=True))
    rows = _entries(bind)
    prev = "0" * 64
    for row in rows:
        digest = hashlib.sha256(prev.encode() + _canonical(row)).hexdigest()
        bind.execute(
            sa.text("UPDATE audit_entry SET prev_hash = :p, hash = :h WHERE seq = :s"),
            {"p": prev, "h": digest, "s": row.seq},
        )
        prev = digest
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.alter_column("prev_hash", nullable=False)
        batch_op.alter_column("hash", nullable=False)
    bind.execute(
        sa.text("UPDATE audit_head SET seq = :n, last_hash = :h WHERE id = 1"),
        {"n": len(rows), "h": prev},
    )
    op.drop_table("audit_checkpoint")
    op.drop_table("audit_node")
