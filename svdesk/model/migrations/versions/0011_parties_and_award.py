"""the parties as the law names them, redactions and the award stage (issue 15)

The contracting authority's profile (one per database), each bidder's legal details, the
procurement's details, passages withheld from other suppliers, and the award record.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete="CASCADE"
    )


def upgrade() -> None:
    op.create_table(
        "authority_profile",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("identifier", sa.String(length=100), nullable=False),
        sa.Column("contact", sa.String(length=300), nullable=False),
        sa.Column("internal_marking", sa.String(length=100), nullable=False),
        sa.Column("supplier_marking", sa.String(length=100), nullable=False),
        sa.Column("name_evaluators", sa.Boolean(), nullable=False),
        sa.Column("logo", sa.LargeBinary(), nullable=True),
        sa.Column("updated_at", sa.String(length=40), nullable=False),
        sa.Column("updated_by", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_authority_profile")),
    )
    op.create_table(
        "supplier_detail",
        sa.Column("bidder_id", sa.Integer(), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("identifier", sa.String(length=100), nullable=False),
        sa.Column("sme", sa.Boolean(), nullable=True),
        sa.Column("vcse", sa.Boolean(), nullable=True),
        _fk("supplier_detail", "bidder_id", "bidder"),
        sa.PrimaryKeyConstraint("bidder_id", name=op.f("pk_supplier_detail")),
    )
    op.create_table(
        "procurement_detail",
        sa.Column("tender_id", sa.Integer(), nullable=False),
        sa.Column("procedure", sa.String(length=100), nullable=False),
        sa.Column("criteria_published_at", sa.Text(), nullable=False),
        sa.Column("decision_maker", sa.String(length=300), nullable=False),
        sa.Column("delegated_authority", sa.Text(), nullable=False),
        _fk("procurement_detail", "tender_id", "tender"),
        sa.PrimaryKeyConstraint("tender_id", name=op.f("pk_procurement_detail")),
    )
    op.create_table(
        "award_record",
        sa.Column("tender_id", sa.Integer(), nullable=False),
        sa.Column("decided_on", sa.String(length=10), nullable=False),
        sa.Column("decision_maker", sa.String(length=300), nullable=False),
        sa.Column("delegated_authority", sa.Text(), nullable=False),
        sa.Column("recommendation", sa.String(length=300), nullable=False),
        sa.Column("authority_name", sa.String(length=300), nullable=False),
        sa.Column("authority_identifier", sa.String(length=100), nullable=False),
        sa.Column("summaries_sent_on", sa.String(length=10), nullable=False),
        sa.Column("notice_published_on", sa.String(length=10), nullable=False),
        sa.Column("standstill_ends_on", sa.String(length=10), nullable=False),
        sa.Column("contract_entered_on", sa.String(length=10), nullable=False),
        _fk("award_record", "tender_id", "tender"),
        sa.PrimaryKeyConstraint("tender_id", name=op.f("pk_award_record")),
    )
    op.create_table(
        "redaction",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bidder_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("passage", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("made_by", sa.String(length=200), nullable=False),
        sa.Column("made_at", sa.String(length=40), nullable=False),
        _fk("redaction", "bidder_id", "bidder"),
        _fk("redaction", "question_id", "question"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_redaction")),
    )
    with op.batch_alter_table("redaction") as batch_op:
        batch_op.create_index(batch_op.f("ix_redaction_bidder_id"), ["bidder_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_redaction_question_id"), ["question_id"], unique=False)


def downgrade() -> None:
    for table in ("redaction", "award_record", "procurement_detail", "supplier_detail", "authority_profile"):
        op.drop_table(table)
