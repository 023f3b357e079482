"""moderation meetings on the record (issue 16): each meeting, who attended or sent apologies, and
the meeting each consensus score was agreed in

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-10
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def _fk(table: str, column: str, target: str, ondelete: str = "CASCADE") -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete
    )


def upgrade() -> None:
    op.create_table(
        "meeting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tender_id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.String(length=10), nullable=False),
        sa.Column("mode", sa.String(length=10), nullable=False),
        sa.Column("place", sa.Text(), nullable=False),
        sa.Column("chair_id", sa.Integer(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        _fk("meeting", "tender_id", "tender"),
        _fk("meeting", "chair_id", "panel_member", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting")),
    )
    with op.batch_alter_table("meeting") as batch_op:
        batch_op.create_index(batch_op.f("ix_meeting_tender_id"), ["tender_id"], unique=False)
    op.create_table(
        "meeting_member",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("present", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        _fk("meeting_member", "meeting_id", "meeting"),
        _fk("meeting_member", "member_id", "panel_member"),
        sa.PrimaryKeyConstraint("meeting_id", "member_id", name=op.f("pk_meeting_member")),
    )
    op.create_table(
        "meeting_item",
        sa.Column("bidder_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        _fk("meeting_item", "bidder_id", "bidder"),
        _fk("meeting_item", "question_id", "question"),
        _fk("meeting_item", "meeting_id", "meeting"),
        sa.PrimaryKeyConstraint("bidder_id", "question_id", name=op.f("pk_meeting_item")),
    )
    with op.batch_alter_table("meeting_item") as batch_op:
        batch_op.create_index(batch_op.f("ix_meeting_item_meeting_id"), ["meeting_id"], unique=False)


def downgrade() -> None:
    for table in ("meeting_item", "meeting_member", "meeting"):
        op.drop_table(table)
