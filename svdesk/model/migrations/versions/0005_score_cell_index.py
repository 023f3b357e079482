"""a covering index for the moderation grid: scores by cell, read without touching the rationales

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_score_cell", "score", ["bidder_id", "question_id", "member_id", "score"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_score_cell", table_name="score")
