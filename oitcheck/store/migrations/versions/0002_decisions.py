"""Staff decisions (pinned evidence, accepted findings) and the agencies each audit-many run finished.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("agency_id", sa.Integer, sa.ForeignKey("agencies.id"), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("item", sa.String(32), nullable=False),
        sa.Column("key", sa.String(128)),
        sa.Column("code", sa.String(64)),
        sa.Column("url", sa.Text),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("until", sa.String(10)),
        sa.Column("audit_id", sa.Integer, sa.ForeignKey("audits.id")),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("removed_at", sa.String(32)),
    )
    op.create_index("ix_decisions_agency_id", "decisions", ["agency_id"])
    op.create_table(
        "run_agencies",
        sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("agency", sa.String(512), primary_key=True),
        sa.Column("entry", sa.JSON, nullable=False),
        sa.Column("finished_at", sa.String(32), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("run_agencies")
    op.drop_table("decisions")
