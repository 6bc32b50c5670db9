"""The map: actors, their actions per question, relations between them.

Rows refer to each other through foreign keys only (``portability`` follows them); every
label users see lives in the dictionaries below (value → French label)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from facilitator.extensions import Model
from facilitator.models._types import UTCDateTime, utcnow
from facilitator.models.questions import QuestionEssentielle
from facilitator.models.rows import ValidatedRow, link_table

#: champs d'intervention (GLOSSARY.md), value → label
CHAMPS: dict[str, str] = {
    "education_jeunesse": "Éducation – jeunesse",
    "sport_culture_loisirs": "Sport, culture, loisirs",
    "politique_ville": "Politique de la ville",
    "action_sociale": "Action sociale",
    "protection_enfance": "Protection de l'enfance",
    "prevention": "Prévention (délinquance, radicalisation)",
    "sante": "Santé",
    "insertion": "Insertion socio-professionnelle",
    "transport": "Transport",
    "reussite_educative": "Réussite éducative",
    "cite_educative": "Cité éducative",
    "animation": "Animation socio-culturelle",
    "cohesion_sociale": "Cohésion sociale",
    "citoyennete": "Citoyenneté",
}

#: niveaux de coopération, from the weakest to the strongest
COOPERATION_LEVELS: dict[str, str] = {
    "non_cooperation": "Non-coopération",
    "partenariat": "Partenariat",
    "coordination": "Coordination",
    "cooperation": "Coopération",
}

RELATION_STATUSES: dict[str, str] = {"existante": "Existante", "a_creer": "À créer"}

RELATION_NATURES: dict[str, str] = {
    "information": "Information",
    "orientation": "Orientation",
    "co_portage": "Co-portage",
    "mutualisation": "Mutualisation",
    "formation": "Formation",
    "autre": "Autre",
}


#: which questions an action serves (many to many)
action_question = link_table(
    "action_question",
    ("action_id", "actor_action.id"),
    ("question_id", "question_essentielle.id"),
)


class Actor(ValidatedRow, Model):
    """An actor of the cartographie: a structure of the cycle's répertoire, or an actor
    absent from the room (``structure_id`` null)."""

    __tablename__ = "actor"
    __table_args__ = (UniqueConstraint("cycle_id", "client_id"),)

    structure_id: Mapped[int | None] = mapped_column(
        ForeignKey("structure.id", ondelete="SET NULL")
    )
    name: Mapped[str] = mapped_column(String(160))
    #: a key of models.STRUCTURE_TYPES
    type: Mapped[str] = mapped_column(String(40))
    #: keys of CHAMPS
    champs: Mapped[list[str]] = mapped_column(JSON, default=list)
    territoire: Mapped[str] = mapped_column(String(160), default="")
    #: other names it had before duplicates were merged into it
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: position pinned on the map by the animateur (map units, 0–1000), else laid out
    x: Mapped[float | None] = mapped_column(Float, sort_order=2)
    y: Mapped[float | None] = mapped_column(Float, sort_order=2)
    #: the sub-group that added it (issue 18): its tag on the map (grouping.py)
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("step_group.id", ondelete="SET NULL"), index=True, sort_order=2
    )

    actions: Mapped[list[ActorAction]] = relationship(
        back_populates="actor",
        order_by="ActorAction.id",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class ActorAction(Model):
    """A short description of what an actor does, linked to questions essentielles."""

    __tablename__ = "actor_action"
    __table_args__ = (UniqueConstraint("actor_id", "client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("actor.id", ondelete="CASCADE"), index=True)
    client_id: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("participant.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: the sub-group that added it (issue 18)
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("step_group.id", ondelete="SET NULL"), index=True
    )

    actor: Mapped[Actor] = relationship(back_populates="actions")
    questions: Mapped[list[QuestionEssentielle]] = relationship(
        secondary=action_question, order_by="QuestionEssentielle.position"
    )


class Relation(ValidatedRow, Model):
    """A relation between two actors for one question essentielle (or in general)."""

    __tablename__ = "relation"
    __table_args__ = (
        UniqueConstraint("cycle_id", "client_id"),
        Index("ix_relation_pair", "source_id", "target_id"),
    )

    source_id: Mapped[int] = mapped_column(ForeignKey("actor.id", ondelete="CASCADE"))
    target_id: Mapped[int] = mapped_column(ForeignKey("actor.id", ondelete="CASCADE"), index=True)
    #: a key of RELATION_STATUSES
    status: Mapped[str] = mapped_column(String(16), default="existante")
    #: a key of COOPERATION_LEVELS
    level: Mapped[str] = mapped_column(String(24), default="partenariat")
    #: keys of RELATION_NATURES
    natures: Mapped[list[str]] = mapped_column(JSON, default=list)
    question_id: Mapped[int | None] = mapped_column(
        ForeignKey("question_essentielle.id", ondelete="SET NULL"), index=True
    )
    comment: Mapped[str] = mapped_column(Text, default="")
    #: the sub-group that added it (issue 18)
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("step_group.id", ondelete="SET NULL"), index=True, sort_order=2
    )
