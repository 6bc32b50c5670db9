"""The charte of a cycle (DESIGN.md §2): numbered versions made of clauses grouped by
section, amendments proposed on a version, the adoption vote and its signatory structures.

A cycle production: it outlives the atelier where it is written (atelier 6 and 8 continue
from the version of atelier 5). Every reference to another row is a foreign key
(``portability`` follows them); JSON columns hold plain data only (no ids)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from facilitator.extensions import Model
from facilitator.models._types import UTCDateTime, utcnow

#: status of a version, value → label
VERSION_STATUSES: dict[str, str] = {
    "brouillon": "Brouillon",
    "remplacee": "Remplacée",
    "gelee": "Gelée",
    "adoptee": "Adoptée",
    "non_adoptee": "Non adoptée",
}

#: status of an amendment, value → label
AMENDMENT_STATUSES: dict[str, str] = {
    "proposee": "Proposé",
    "en_vote": "En vote rapide",
    "acceptee": "Accepté",
    "rejetee": "Rejeté",
    "integree": "Intégré",
    "caduque": "Non examiné (version gelée)",
    "retiree": "Retiré par son auteur",
}

AMENDMENT_KINDS: dict[str, str] = {
    "modification": "Nouvelle rédaction",
    "ajout": "Ajout d'une clause",
    "suppression": "Suppression de la clause",
}

QUICK_CHOICES: dict[str, str] = {"pour": "Pour", "contre": "Contre", "abstention": "Abstention"}


class CharteVersion(Model):
    """One numbered version of a cycle's charte. Only the latest version may be a
    ``brouillon`` (edited, amended); consolidating it makes the next number and marks it
    ``remplacee``; freezing makes it ``gelee``; the vote's result makes it ``adoptee`` or
    ``non_adoptee`` (``result`` says why, including « quorum non atteint »)."""

    __tablename__ = "charte_version"
    __table_args__ = (UniqueConstraint("cycle_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycle.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    #: a key of VERSION_STATUSES
    status: Mapped[str] = mapped_column(String(16), default="brouillon")
    #: the version this one was made from (consolidation, or « repartir de »)
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("charte_version.id", ondelete="SET NULL")
    )
    atelier_id: Mapped[int | None] = mapped_column(ForeignKey("atelier.id", ondelete="SET NULL"))
    frozen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: "" (not opened), "ouvert", "clos"
    vote_state: Mapped[str] = mapped_column(String(8), default="")
    vote_opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    vote_atelier_id: Mapped[int | None] = mapped_column(
        ForeignKey("atelier.id", ondelete="SET NULL")
    )
    #: the vote's rules as they were when it opened (ballot, quorum, threshold, gradients)
    vote_rules: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: the recorded result (plain data, see services/charte_vote.py)
    result: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    clauses: Mapped[list[CharteClause]] = relationship(
        order_by="(CharteClause.section, CharteClause.position, CharteClause.id)",
        cascade="all, delete-orphan",
        passive_deletes=True,
        foreign_keys="CharteClause.version_id",
    )

    def set_frozen(self, frozen: bool) -> None:
        """Frozen (« gelée »): waits for its adoption vote; unfrozen: a draft again."""
        self.status = "gelee" if frozen else "brouillon"
        self.frozen_at = utcnow() if frozen else None


class CharteClause(Model):
    """One clause of a version, in a section (a key of the step's sections). Copied into
    the next version (``origin_id``), so each version keeps its own text."""

    __tablename__ = "charte_clause"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("charte_version.id", ondelete="CASCADE"), index=True
    )
    #: the clause of the previous version this one continues
    origin_id: Mapped[int | None] = mapped_column(
        ForeignKey("charte_clause.id", ondelete="SET NULL")
    )
    section: Mapped[str] = mapped_column(String(64))
    #: the section's label when the clause was written (a later script may rename sections)
    section_label: Mapped[str] = mapped_column(String(200), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str] = mapped_column(Text)
    #: optimistic concurrency: every change increments it
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class CharteClauseSource(Model):
    """An idea card a clause was drafted from."""

    __tablename__ = "charte_clause_source"
    __table_args__ = (UniqueConstraint("clause_id", "contribution_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    clause_id: Mapped[int] = mapped_column(
        ForeignKey("charte_clause.id", ondelete="CASCADE"), index=True
    )
    contribution_id: Mapped[int] = mapped_column(
        ForeignKey("contribution.id", ondelete="CASCADE"), index=True
    )


class CharteAmendment(Model):
    """A proposed change of a version: a new wording of a clause (``modification``), a
    new clause in a section (``ajout``) or the removal of a clause (``suppression``)."""

    __tablename__ = "charte_amendment"
    __table_args__ = (UniqueConstraint("atelier_id", "client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("charte_version.id", ondelete="CASCADE"), index=True
    )
    clause_id: Mapped[int | None] = mapped_column(
        ForeignKey("charte_clause.id", ondelete="SET NULL")
    )
    atelier_id: Mapped[int] = mapped_column(ForeignKey("atelier.id", ondelete="CASCADE"))
    client_id: Mapped[str] = mapped_column(String(64))
    section: Mapped[str] = mapped_column(String(64))
    #: a key of AMENDMENT_KINDS
    kind: Mapped[str] = mapped_column(String(16), default="modification")
    text: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    #: the clause's text when the amendment was proposed
    base_text: Mapped[str] = mapped_column(Text, default="")
    #: a key of AMENDMENT_STATUSES
    status: Mapped[str] = mapped_column(String(16), default="proposee")
    #: the animateur's explanation when rejecting
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("participant.id", ondelete="SET NULL")
    )
    animateur_id: Mapped[int | None] = mapped_column(
        ForeignKey("animateur.id", ondelete="SET NULL")
    )
    #: plain data: ``privacy`` (kinds confirmed by the author), ``quick`` (closed tally)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def set_status(self, status: str) -> None:
        """Move to ``status`` (a key of AMENDMENT_STATUSES); every change of an amendment
        increments its ``version``."""
        self.status = status
        self.version += 1


class CharteAmendmentVote(Model):
    """A participant's choice in the quick vote on an amendment (pour / contre /
    abstention), changeable until the animateur closes it."""

    __tablename__ = "charte_amendment_vote"
    __table_args__ = (UniqueConstraint("amendment_id", "participant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    amendment_id: Mapped[int] = mapped_column(
        ForeignKey("charte_amendment.id", ondelete="CASCADE"), index=True
    )
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"))
    choice: Mapped[str] = mapped_column(String(16))


class CharteBallot(Model):
    """A ballot of the adoption vote of a frozen version. With one ballot per structure,
    ``for_structure_id`` is set (unique per version: a structure votes once, by whichever
    representative comes first); with one per participant it is null."""

    __tablename__ = "charte_ballot"
    __table_args__ = (
        UniqueConstraint("version_id", "participant_id"),
        UniqueConstraint("version_id", "for_structure_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("charte_version.id", ondelete="CASCADE"), index=True
    )
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("participant.id", ondelete="SET NULL")
    )
    structure_id: Mapped[int | None] = mapped_column(
        ForeignKey("structure.id", ondelete="SET NULL")
    )
    for_structure_id: Mapped[int | None] = mapped_column(
        ForeignKey("structure.id", ondelete="SET NULL")
    )
    #: a gradient id of the vote's rules
    gradient: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class CharteSignatory(Model):
    """A structure whose representatives voted for the adopted version."""

    __tablename__ = "charte_signatory"
    __table_args__ = (UniqueConstraint("version_id", "structure_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("charte_version.id", ondelete="CASCADE"), index=True
    )
    structure_id: Mapped[int] = mapped_column(ForeignKey("structure.id", ondelete="CASCADE"))
