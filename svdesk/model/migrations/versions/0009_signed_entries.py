"""every audit entry signed by its actor's key: the key's fingerprint and the Ed25519 signature

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02

Added columns, not a new table: an entry and its signature are written in one INSERT, and the log
refuses UPDATE, so a signature can never be added to, or taken off, an entry afterwards. Entries
written before this revision keep the empty defaults (unsigned); `verify` says which were made
before anyone enrolled, and refuses an unsigned entry after.
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # plain ADD COLUMN (no batch copy of the table): the append-only triggers stay as they are
    op.add_column("audit_entry", sa.Column("signed_by", sa.String(length=64), nullable=False, server_default=""))
    op.add_column("audit_entry", sa.Column("signature", sa.String(length=128), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("audit_entry") as batch_op:
        batch_op.drop_column("signature")
        batch_op.drop_column("signed_by")
