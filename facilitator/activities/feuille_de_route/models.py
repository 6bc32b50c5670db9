"""The feuille de route: actions with a pilote, contributors, a deadline, indicators, a state."""

from __future__ import annotations

from datetime import date

from sqlalchemy import (
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from facilitator.extensions import Model
from facilitator.models.people import Structure
from facilitator.models.rows import LAST, CycleRow, link_table

#: état of an action of the feuille de route
ETATS: dict[str, str] = {
    "a_lancer": "À lancer",
    "en_cours": "En cours",
    "fait": "Fait",
    "abandonne": "Abandonné",
}

#: where an action stands in the group's decision
ROADMAP_STATUSES: dict[str, str] = {"proposee": "Proposée", "validee": "Validée"}


#: the structures contributing to an action of the feuille de route
roadmap_contributor = link_table(
    "roadmap_contributor", ("action_id", "roadmap_action.id"), ("structure_id", "structure.id")
)


class RoadmapAction(CycleRow, Model):
    """An action of the cycle's feuille de route: proposed during an atelier, validated by
    the animateur; its ``etat`` is followed between ateliers."""

    __tablename__ = "roadmap_action"
    __table_args__ = (UniqueConstraint("cycle_id", "client_id"),)

    intitule: Mapped[str] = mapped_column(String(300))
    question_id: Mapped[int | None] = mapped_column(
        ForeignKey("question_essentielle.id", ondelete="SET NULL"), index=True
    )
    #: free reference to the charter commitments it serves (« Engagement 3 », text)
    charte_ref: Mapped[str] = mapped_column(String(300), default="")
    pilote_id: Mapped[int | None] = mapped_column(ForeignKey("structure.id", ondelete="SET NULL"))
    echeance: Mapped[date | None] = mapped_column(Date)
    moyens: Mapped[str] = mapped_column(Text, default="")
    indicateurs_effectivite: Mapped[str] = mapped_column(Text, default="")
    indicateurs_resultat: Mapped[str] = mapped_column(Text, default="")
    etat: Mapped[str] = mapped_column(String(16), default="a_lancer")
    status: Mapped[str] = mapped_column(String(16), default="proposee")
    #: the sub-group of a step that proposed it (issue 18, docs/groups.md): kept after the
    #: mise en commun as its tag; None for a plenary proposal
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("step_group.id", ondelete="SET NULL"), index=True, sort_order=LAST
    )

    pilote: Mapped[Structure | None] = relationship(foreign_keys=[pilote_id])
    contributeurs: Mapped[list[Structure]] = relationship(
        secondary=roadmap_contributor, order_by="Structure.name"
    )


class RoadmapVote(Model):
    """A participant's priority dots on an action, in one step."""

    __tablename__ = "roadmap_vote"
    __table_args__ = (UniqueConstraint("step_id", "participant_id", "action_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    step_id: Mapped[int] = mapped_column(ForeignKey("step.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"))
    action_id: Mapped[int] = mapped_column(
        ForeignKey("roadmap_action.id", ondelete="CASCADE"), index=True
    )
    weight: Mapped[int] = mapped_column(Integer, default=1)
