"""offline scoring packs as issued: a random pack id, the key of the pack's MAC, imported once

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pack_issue",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pack_uid", sa.String(length=64), nullable=False),
        sa.Column("tender_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("issued_at", sa.String(length=40), nullable=False),
        sa.Column("mac_key", sa.LargeBinary(), nullable=False),
        sa.Column("imported_at", sa.String(length=40), nullable=True),
        sa.Column("imported_by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["tender_id"], ["tender.id"], name=op.f("fk_pack_issue_tender_id_tender"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["panel_member.id"], name=op.f("fk_pack_issue_member_id_panel_member"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pack_issue")),
        sa.UniqueConstraint("pack_uid", name=op.f("uq_pack_issue_pack_uid")),
    )
    with op.batch_alter_table("pack_issue") as batch_op:
        batch_op.create_index(batch_op.f("ix_pack_issue_tender_id"), ["tender_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_pack_issue_member_id"), ["member_id"], unique=False)


def downgrade() -> None:
    op.drop_table("pack_issue")
