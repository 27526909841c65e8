"""Running totals for the review gauges (``tallies.py``), filled from the store: the gauges read
them instead of counting the whole store after every write.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

NAME = 64
STATUSES = ("open", "confirmed", "dismissed", "escalated", "expired")


def upgrade() -> None:
    statuses = op.create_table(
        "review_status_counts",
        sa.Column("status", sa.String(16), primary_key=True),
        sa.Column("items", sa.Integer(), nullable=False),
    )
    precision = op.create_table(
        "review_precision_counts",
        sa.Column("model_version", sa.String(NAME), primary_key=True),
        sa.Column("category", sa.String(NAME), primary_key=True),
        sa.Column("reviewed", sa.Integer(), nullable=False),
        sa.Column("confirmed", sa.Integer(), nullable=False),
    )
    # the tables as 0001 made them (not the models, which may change later)
    items = sa.table("review_items", sa.column("id", sa.String()), sa.column("enqueued", sa.Boolean()),
                     sa.column("status", sa.String()), sa.column("model_version", sa.String()))
    categories = sa.table("review_item_categories", sa.column("item_id", sa.String()),
                          sa.column("category", sa.String()), sa.column("flagged", sa.Boolean()),
                          sa.column("confirmed", sa.Boolean()))
    bind = op.get_bind()
    per_status = sa.select(items.c.status, sa.func.count()).where(items.c.enqueued.is_(True)).group_by(items.c.status)
    found = {status: int(n) for status, n in bind.execute(per_status)}
    op.bulk_insert(statuses, [{"status": status, "items": int(found.get(status, 0))} for status in STATUSES])
    confirmed = sa.func.sum(sa.case((categories.c.confirmed.is_(True), 1), else_=0))
    bind.execute(precision.insert().from_select(
        ["model_version", "category", "reviewed", "confirmed"],
        sa.select(items.c.model_version, categories.c.category, sa.func.count(), confirmed)
        .join(items, items.c.id == categories.c.item_id)
        .where(categories.c.flagged.is_(True), categories.c.confirmed.is_not(None))
        .group_by(items.c.model_version, categories.c.category)))


def downgrade() -> None:
    op.drop_table("review_precision_counts")
    op.drop_table("review_status_counts")
