"""chaine feuille de route: chaîne de valeur and feuille de route (issue 4)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

from facilitator.models._types import UTCDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "chaine_valeur",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.String(length=64), nullable=False),
        sa.Column("subject", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("structure_id", sa.Integer(), nullable=True),
        sa.Column("validated", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=True),
        sa.Column("atelier_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["atelier_id"], ["atelier.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["cycle_id"], ["cycle.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["participant_id"], ["participant.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["structure_id"], ["structure.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("cycle_id", "client_id"),
    )
    with op.batch_alter_table("chaine_valeur", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_chaine_valeur_cycle_id"), ["cycle_id"], unique=False)

    op.create_table(
        "roadmap_action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.String(length=64), nullable=False),
        sa.Column("intitule", sa.String(length=300), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=True),
        sa.Column("charte_ref", sa.String(length=300), nullable=False),
        sa.Column("pilote_id", sa.Integer(), nullable=True),
        sa.Column("echeance", sa.Date(), nullable=True),
        sa.Column("moyens", sa.Text(), nullable=False),
        sa.Column("indicateurs_effectivite", sa.Text(), nullable=False),
        sa.Column("indicateurs_resultat", sa.Text(), nullable=False),
        sa.Column("etat", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=True),
        sa.Column("atelier_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["atelier_id"], ["atelier.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["cycle_id"], ["cycle.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["participant_id"], ["participant.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["pilote_id"], ["structure.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["question_id"], ["question_essentielle.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("cycle_id", "client_id"),
    )
    with op.batch_alter_table("roadmap_action", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_roadmap_action_cycle_id"), ["cycle_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_roadmap_action_question_id"), ["question_id"], unique=False
        )

    op.create_table(
        "chaine_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chaine_id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.String(length=64), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("cible", sa.String(length=24), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("structure_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["chaine_id"], ["chaine_valeur.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["participant_id"], ["participant.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["structure_id"], ["structure.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("chaine_id", "client_id"),
    )
    with op.batch_alter_table("chaine_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_chaine_item_chaine_id"), ["chaine_id"], unique=False)

    op.create_table(
        "chaine_question",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chaine_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["chaine_id"], ["chaine_valeur.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["question_id"], ["question_essentielle.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("chaine_id", "question_id"),
    )
    with op.batch_alter_table("chaine_question", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_chaine_question_chaine_id"), ["chaine_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_chaine_question_question_id"), ["question_id"], unique=False
        )

    op.create_table(
        "roadmap_contributor",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("structure_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["action_id"], ["roadmap_action.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["structure_id"], ["structure.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("action_id", "structure_id"),
    )
    with op.batch_alter_table("roadmap_contributor", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_roadmap_contributor_action_id"), ["action_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_roadmap_contributor_structure_id"), ["structure_id"], unique=False
        )

    op.create_table(
        "roadmap_vote",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("step_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("weight", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["action_id"], ["roadmap_action.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["participant_id"], ["participant.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["step_id"], ["step.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("step_id", "participant_id", "action_id"),
    )
    with op.batch_alter_table("roadmap_vote", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_roadmap_vote_action_id"), ["action_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_roadmap_vote_step_id"), ["step_id"], unique=False)

    op.create_table(
        "chaine_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chaine_id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["chaine_id"], ["chaine_valeur.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["source_id"], ["chaine_item.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["target_id"], ["chaine_item.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source_id", "target_id"),
    )
    with op.batch_alter_table("chaine_link", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_chaine_link_chaine_id"), ["chaine_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_chaine_link_target_id"), ["target_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("chaine_link", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_chaine_link_target_id"))
        batch_op.drop_index(batch_op.f("ix_chaine_link_chaine_id"))

    op.drop_table("chaine_link")
    with op.batch_alter_table("roadmap_vote", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_roadmap_vote_step_id"))
        batch_op.drop_index(batch_op.f("ix_roadmap_vote_action_id"))

    op.drop_table("roadmap_vote")
    with op.batch_alter_table("roadmap_contributor", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_roadmap_contributor_structure_id"))
        batch_op.drop_index(batch_op.f("ix_roadmap_contributor_action_id"))

    op.drop_table("roadmap_contributor")
    with op.batch_alter_table("chaine_question", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_chaine_question_question_id"))
        batch_op.drop_index(batch_op.f("ix_chaine_question_chaine_id"))

    op.drop_table("chaine_question")
    with op.batch_alter_table("chaine_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_chaine_item_chaine_id"))

    op.drop_table("chaine_item")
    with op.batch_alter_table("roadmap_action", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_roadmap_action_question_id"))
        batch_op.drop_index(batch_op.f("ix_roadmap_action_cycle_id"))

    op.drop_table("roadmap_action")
    with op.batch_alter_table("chaine_valeur", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_chaine_valeur_cycle_id"))

    op.drop_table("chaine_valeur")
