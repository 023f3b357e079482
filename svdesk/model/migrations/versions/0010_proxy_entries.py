"""scores entered by proxy: which member scores the officer typed in, from what, and their confirmation

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "proxy_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("bidder_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("entered_by", sa.String(length=200), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("entered_at", sa.String(length=40), nullable=False),
        sa.Column("confirmed_at", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"], ["panel_member.id"], name=op.f("fk_proxy_entry_member_id_panel_member"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["bidder_id"], ["bidder.id"], name=op.f("fk_proxy_entry_bidder_id_bidder"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["question_id"], ["question.id"], name=op.f("fk_proxy_entry_question_id_question"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proxy_entry")),
        sa.UniqueConstraint(
            "member_id", "bidder_id", "question_id", name=op.f("uq_proxy_entry_member_id_bidder_id_question_id")
        ),
    )
    with op.batch_alter_table("proxy_entry") as batch_op:
        batch_op.create_index(batch_op.f("ix_proxy_entry_member_id"), ["member_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_proxy_entry_bidder_id"), ["bidder_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_proxy_entry_question_id"), ["question_id"], unique=False)


def downgrade() -> None:
    op.drop_table("proxy_entry")
