"""each panel member's view of each pledge (accept, reduce, reject) while scoring

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pledge_review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("pledge_id", sa.Integer(), nullable=False),
        sa.Column("decision", sa.String(length=10), nullable=False),
        sa.Column("accepted_quantity", sa.Float(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"], ["panel_member.id"], name=op.f("fk_pledge_review_member_id_panel_member"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["pledge_id"], ["pledge.id"], name=op.f("fk_pledge_review_pledge_id_pledge"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pledge_review")),
        sa.UniqueConstraint("member_id", "pledge_id", name=op.f("uq_pledge_review_member_id_pledge_id")),
    )
    with op.batch_alter_table("pledge_review") as batch_op:
        batch_op.create_index(batch_op.f("ix_pledge_review_member_id"), ["member_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_pledge_review_pledge_id"), ["pledge_id"], unique=False)


def downgrade() -> None:
    op.drop_table("pledge_review")
