"""The review store: items, their categories, decisions (the audit trail).

Revision ID: 0001
Revises:
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from signals.review.models import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

ID = 256
NAME = 64


def upgrade() -> None:
    op.create_table(
        "review_items",
        sa.Column("id", sa.String(ID), primary_key=True),
        sa.Column("enqueued", sa.Boolean(), nullable=False),
        sa.Column("conversation_id", sa.String(ID), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("context", sa.JSON(), nullable=True),
        sa.Column("category_scores", sa.JSON(), nullable=True),
        sa.Column("labels", sa.JSON(), nullable=False),
        sa.Column("tactics", sa.JSON(), nullable=False),
        sa.Column("route", sa.String(16), nullable=False),
        sa.Column("flagged", sa.Boolean(), nullable=False),
        sa.Column("risk", sa.Float(), nullable=False),
        sa.Column("uncertainty", sa.Float(), nullable=False),
        sa.Column("queue_key", sa.String(ID + 40), nullable=False),
        sa.Column("model_name", sa.String(NAME), nullable=False),
        sa.Column("model_version", sa.String(NAME), nullable=False),
        sa.Column("model_sha256", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("enqueued_at", UTCDateTime(), nullable=False),
        sa.Column("decided_at", UTCDateTime(), nullable=True),
        sa.Column("text_deleted_at", UTCDateTime(), nullable=True),
        sa.Column("decision_count", sa.Integer(), nullable=False),
    )
    op.create_index("ix_review_items_status_queue_key", "review_items", ["status", "queue_key"])
    op.create_index("ix_review_items_enqueued_at", "review_items", ["enqueued_at"])
    op.create_table(
        "review_item_categories",
        sa.Column("item_id", sa.String(ID), sa.ForeignKey("review_items.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("category", sa.String(NAME), primary_key=True),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("flagged", sa.Boolean(), nullable=False),
        sa.Column("confirmed", sa.Boolean(), nullable=True),
    )
    op.create_index("ix_review_item_categories_category", "review_item_categories", ["category", "flagged"])
    op.create_table(
        "review_decisions",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("item_id", sa.String(ID), sa.ForeignKey("review_items.id", ondelete="CASCADE"), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("reviewer", sa.String(NAME), nullable=False),
        sa.Column("decision", sa.String(16), nullable=False),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("decided_at", UTCDateTime(), nullable=False),
        sa.Column("model_version", sa.String(NAME), nullable=False),
        sa.Column("model_sha256", sa.String(64), nullable=False),
        sa.UniqueConstraint("item_id", "seq", name="uq_review_decisions_item_seq"),
    )
    op.create_index("ix_review_decisions_item_id", "review_decisions", ["item_id"])


def downgrade() -> None:
    op.drop_table("review_decisions")
    op.drop_table("review_item_categories")
    op.drop_table("review_items")
