"""Chaînes de valeur: per structure or per action, ressources → activités → réalisations →
résultats → impacts, objectives by target, indicators."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from facilitator.extensions import Model
from facilitator.models._types import UTCDateTime, utcnow
from facilitator.models.people import Structure
from facilitator.models.questions import QuestionEssentielle
from facilitator.models.rows import LAST, ValidatedRow, link_table

#: the other kinds of items of a chain
CHAINE_EXTRA: dict[str, str] = {"objectif": "Objectif", "indicateur": "Indicateur"}

#: targets of objectives and indicators (GLOSSARY.md)
CIBLES: dict[str, str] = {
    "jeunes_familles": "Jeunes et familles",
    "territoire": "Territoire",
    "structure": "Structure",
}

CHAINE_SUBJECTS: dict[str, str] = {"structure": "Structure", "action": "Action"}


#: which questions essentielles a chain serves
chaine_question = link_table(
    "chaine_question",
    ("chaine_id", "chaine_valeur.id"),
    ("question_id", "question_essentielle.id"),
)


class ChaineValeur(ValidatedRow, Model):
    """A chaîne de valeur of the cycle, about a structure (``subject`` structure) or an
    action (``subject`` action, ``title`` names it; ``structure_id`` is its porteur). A
    chain written in a sub-group carries it (``group_id``); its items follow its chain."""

    __tablename__ = "chaine_valeur"
    __table_args__ = (UniqueConstraint("cycle_id", "client_id"),)

    subject: Mapped[str] = mapped_column(String(16), default="structure")
    title: Mapped[str] = mapped_column(String(200), default="")
    structure_id: Mapped[int | None] = mapped_column(
        ForeignKey("structure.id", ondelete="SET NULL")
    )
    #: the sub-group of a step that wrote it (issue 18, docs/groups.md): kept after the
    #: mise en commun as its tag; None for a plenary chain
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("step_group.id", ondelete="SET NULL"), index=True, sort_order=LAST
    )

    structure: Mapped[Structure | None] = relationship()
    questions: Mapped[list[QuestionEssentielle]] = relationship(
        secondary=chaine_question, order_by="QuestionEssentielle.position"
    )
    items: Mapped[list[ChaineItem]] = relationship(
        order_by="ChaineItem.position, ChaineItem.id",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    links: Mapped[list[ChaineLink]] = relationship(
        order_by="ChaineLink.id", cascade="all, delete-orphan", passive_deletes=True
    )


class ChaineItem(Model):
    """One link of a chain (a ressource, an activité… — ``level`` a key of CHAINE_LEVELS),
    an objective or an indicator (``cible`` a key of CIBLES); ``structure_id`` says who
    contributes it (the écosystème view)."""

    __tablename__ = "chaine_item"
    __table_args__ = (UniqueConstraint("chaine_id", "client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    chaine_id: Mapped[int] = mapped_column(
        ForeignKey("chaine_valeur.id", ondelete="CASCADE"), index=True
    )
    client_id: Mapped[str] = mapped_column(String(64))
    level: Mapped[str] = mapped_column(String(16))
    cible: Mapped[str] = mapped_column(String(24), default="")
    text: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, default=0)
    structure_id: Mapped[int | None] = mapped_column(
        ForeignKey("structure.id", ondelete="SET NULL")
    )
    version: Mapped[int] = mapped_column(Integer, default=1)
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("participant.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ChaineLink(Model):
    """« this leads to that » between two items of one chain (a ressource → an activité…,
    or an item → the indicator that measures it)."""

    __tablename__ = "chaine_link"
    __table_args__ = (UniqueConstraint("source_id", "target_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    chaine_id: Mapped[int] = mapped_column(
        ForeignKey("chaine_valeur.id", ondelete="CASCADE"), index=True
    )
    source_id: Mapped[int] = mapped_column(ForeignKey("chaine_item.id", ondelete="CASCADE"))
    target_id: Mapped[int] = mapped_column(
        ForeignKey("chaine_item.id", ondelete="CASCADE"), index=True
    )
