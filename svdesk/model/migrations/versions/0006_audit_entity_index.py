"""an index for a change history filtered by bid or question: the log's keys, without its values

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_audit_entry_entity", "audit_entry", ["tender_uid", "entity", "seq"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_audit_entry_entity", table_name="audit_entry")
