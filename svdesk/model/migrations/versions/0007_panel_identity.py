"""the panel and who is who: members' contact and withdrawal, enrolled keys, sealed signatures

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "member_detail",
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("withdrawn", sa.Boolean(), nullable=False),
        sa.Column("withdrawal_reason", sa.Text(), nullable=False),
        sa.Column("withdrawn_at", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"], ["panel_member.id"], name=op.f("fk_member_detail_member_id_panel_member"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("member_id", name=op.f("pk_member_detail")),
    )
    op.create_table(
        "member_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("public_key", sa.String(length=64), nullable=False),
        sa.Column("key_fingerprint", sa.String(length=64), nullable=False),
        sa.Column("enrolled_at", sa.String(length=40), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("retired", sa.Boolean(), nullable=False),
        sa.Column("sealed_private_key", sa.LargeBinary(), nullable=False),
        sa.Column("kdf", sa.String(length=100), nullable=False),
        sa.Column("salt", sa.LargeBinary(), nullable=False),
        sa.Column("failed_attempts", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"], ["panel_member.id"], name=op.f("fk_member_key_member_id_panel_member"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member_key")),
    )
    with op.batch_alter_table("member_key") as batch_op:
        batch_op.create_index(batch_op.f("ix_member_key_member_id"), ["member_id"], unique=False)
    op.create_table(
        "signature_seal",
        sa.Column("signature_id", sa.Integer(), nullable=False),
        sa.Column("key_id", sa.Integer(), nullable=False),
        sa.Column("seal", sa.String(length=128), nullable=False),
        sa.ForeignKeyConstraint(
            ["signature_id"],
            ["signature.id"],
            name=op.f("fk_signature_seal_signature_id_signature"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["key_id"], ["member_key.id"], name=op.f("fk_signature_seal_key_id_member_key"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("signature_id", name=op.f("pk_signature_seal")),
    )
    with op.batch_alter_table("signature_seal") as batch_op:
        batch_op.create_index(batch_op.f("ix_signature_seal_key_id"), ["key_id"], unique=False)


def downgrade() -> None:
    op.drop_table("signature_seal")
    op.drop_table("member_key")
    op.drop_table("member_detail")
