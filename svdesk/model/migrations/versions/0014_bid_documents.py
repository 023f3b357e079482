"""bid documents in the record (issue 18): each bidder's response documents (their SHA-256, name,
size, pages), which part answers which question, and, for PostgreSQL, the documents' bytes

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-16
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def _fk(table: str, column: str, target: str, ondelete: str = "CASCADE") -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete
    )


def upgrade() -> None:
    op.create_table(
        "bid_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tender_id", sa.Integer(), nullable=False),
        sa.Column("bidder_id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=True),
        sa.Column("media", sa.String(length=10), nullable=False),
        sa.Column("commercial", sa.Boolean(), nullable=False),
        sa.Column("late_reason", sa.Text(), nullable=True),
        sa.Column("added_at", sa.String(length=40), nullable=False),
        sa.Column("added_by", sa.String(length=200), nullable=False),
        _fk("bid_document", "tender_id", "tender"),
        _fk("bid_document", "bidder_id", "bidder"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bid_document")),
        sa.UniqueConstraint(
            "tender_id", "bidder_id", "sha256", name=op.f("uq_bid_document_tender_id_bidder_id_sha256")
        ),
    )
    with op.batch_alter_table("bid_document") as batch_op:
        for column in ("tender_id", "bidder_id"):
            batch_op.create_index(batch_op.f(f"ix_bid_document_{column}"), [column], unique=False)
    op.create_table(
        "document_part",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("first_page", sa.Integer(), nullable=True),
        sa.Column("last_page", sa.Integer(), nullable=True),
        _fk("document_part", "document_id", "bid_document"),
        _fk("document_part", "question_id", "question"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_part")),
        sa.UniqueConstraint("document_id", "question_id", name=op.f("uq_document_part_document_id_question_id")),
    )
    with op.batch_alter_table("document_part") as batch_op:
        for column in ("document_id", "question_id"):
            batch_op.create_index(batch_op.f(f"ix_document_part_{column}"), [column], unique=False)
    # On both backends, so the schema is one; only PostgreSQL fills it (SQLite keeps files beside it).
    op.create_table(
        "document_blobs",
        sa.Column("blob_key", sa.String(length=80), nullable=False),
        sa.Column("chunk", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("blob_key", "chunk", name=op.f("pk_document_blobs")),
    )


def downgrade() -> None:
    for table in ("document_blobs", "document_part", "bid_document"):
        op.drop_table(table)
