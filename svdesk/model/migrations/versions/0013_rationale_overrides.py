"""rationale overrides (issue 16 item 2)

A flag of the rationale check set aside, with the reason, for the exact text it was made on.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rationale_override",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bidder_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("code", sa.String(length=30), nullable=False),
        sa.Column("text_hash", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("made_by", sa.String(length=200), nullable=False),
        sa.Column("made_at", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["bidder_id"], ["bidder.id"], name=op.f("fk_rationale_override_bidder_id_bidder"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["question.id"],
            name=op.f("fk_rationale_override_question_id_question"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["panel_member.id"],
            name=op.f("fk_rationale_override_member_id_panel_member"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rationale_override")),
    )
    with op.batch_alter_table("rationale_override") as batch_op:
        for column in ("bidder_id", "question_id", "member_id"):
            batch_op.create_index(batch_op.f(f"ix_rationale_override_{column}"), [column], unique=False)


def downgrade() -> None:
    op.drop_table("rationale_override")
