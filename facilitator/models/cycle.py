"""Cycles, ateliers and their steps; the models guard their own state transitions."""

from __future__ import annotations

import enum
import secrets
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from facilitator.errors import DomainError
from facilitator.extensions import Model
from facilitator.models._types import UTCDateTime, utcnow

if TYPE_CHECKING:
    from facilitator.models.people import Structure


class AtelierState(enum.StrEnum):
    PREPARE = "prepare"
    EN_COURS = "en_cours"
    CLOS = "clos"


ATELIER_STATE_LABELS = {
    AtelierState.PREPARE: "préparé",
    AtelierState.EN_COURS: "en cours",
    AtelierState.CLOS: "clos",
}

MODES = {"presentiel": "présentiel", "distanciel": "distanciel", "hybride": "hybride"}


class StepStatus(enum.StrEnum):
    PENDING = "pending"
    ACTIVE = "active"
    DONE = "done"


class Cycle(Model):
    __tablename__ = "cycle"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    theme: Mapped[str] = mapped_column(Text, default="")
    territoire: Mapped[str] = mapped_column(String(200), default="")
    #: RGPD: the cycle's data is purged this many months after its last atelier
    retention_months: Mapped[int] = mapped_column(Integer, default=24, server_default="24")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: the secret of the calendar feed's address (/calendrier/<key>.ics), 256 bits; a new
    #: one when someone leaves the team (core/team.py): the old address stops working
    feed_key: Mapped[str | None] = mapped_column(
        String(64), unique=True, index=True, default=lambda: secrets.token_urlsafe(32)
    )

    ateliers: Mapped[list[Atelier]] = relationship(
        back_populates="cycle", order_by="Atelier.position", cascade="all, delete-orphan"
    )
    structures: Mapped[list[Structure]] = relationship(
        back_populates="cycle", order_by="Structure.name", cascade="all, delete-orphan"
    )
    animateurs: Mapped[list[CycleAnimateur]] = relationship(cascade="all, delete-orphan")


class CycleAnimateur(Model):
    """Who may run a cycle: its owner and the co-animateurs invited to it."""

    __tablename__ = "cycle_animateur"
    __table_args__ = (UniqueConstraint("cycle_id", "animateur_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycle.id", ondelete="CASCADE"), index=True)
    animateur_id: Mapped[int] = mapped_column(
        ForeignKey("animateur.id", ondelete="CASCADE"), index=True
    )
    #: owner / co (co-animateur) / observateur (read-only console and documents)
    role: Mapped[str] = mapped_column(String(16), default="owner")


class CycleInvitation(Model):
    """An invitation by link to join a cycle's team with a role (issue 16): the link holds
    a secret, the database its SHA-256; used once, revocable, expiring."""

    __tablename__ = "cycle_invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycle.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("animateur.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Atelier(Model):
    __tablename__ = "atelier"

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycle.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(200))
    date: Mapped[date | None] = mapped_column(Date)
    mode: Mapped[str] = mapped_column(String(16), default="presentiel")
    lieu: Mapped[str] = mapped_column(String(200), default="")
    #: local start time (Europe/Paris) and planned length (issue 16)
    start_time: Mapped[time | None] = mapped_column(Time)
    duration_minutes: Mapped[int | None] = mapped_column(Integer)
    #: the visio link shown to remote participants (distanciel / hybride)
    visio_url: Mapped[str] = mapped_column(String(500), default="", server_default="")
    #: cancelled ateliers are kept (« annulé ») and counted in no figure
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: what happened to its planning: [{"kind": "reporte"|"annule"|"modifie", "at", "by", …}]
    history: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list, server_default="[]")
    #: the ICS SEQUENCE: bumped at every change of its date, time, place or status
    ics_sequence: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    #: optimistic concurrency of the edit form: a stale edit is refused with the fresh state
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    state: Mapped[str] = mapped_column(String(16), default=AtelierState.PREPARE)
    #: 6 characters from an unambiguous alphabet; cleared when the atelier closes.
    join_code: Mapped[str | None] = mapped_column(String(6), unique=True)
    #: secret of the participant link and QR code (revocable).
    link_token: Mapped[str] = mapped_column(String(64), unique=True)
    #: secret of the read-only link (revocable).
    read_token: Mapped[str] = mapped_column(String(64), unique=True)
    script_id: Mapped[str] = mapped_column(String(100))
    script_snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    #: last sequence number used by this atelier's events (see services/events.py).
    seq: Mapped[int] = mapped_column(Integer, default=0)
    #: the step everyone follows (no foreign key: atelier and step would reference each other)
    current_step_id: Mapped[int | None] = mapped_column(Integer)
    #: countdown: running when ``timer_ends_at`` is set, paused when only
    #: ``timer_remaining`` is set.
    timer_ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    timer_remaining: Mapped[int | None] = mapped_column(Integer)
    timer_total: Mapped[int | None] = mapped_column(Integer)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    cycle: Mapped[Cycle] = relationship(back_populates="ateliers")
    steps: Mapped[list[Step]] = relationship(
        back_populates="atelier",
        order_by="Step.position",
        cascade="all, delete-orphan",
    )

    @property
    def state_label(self) -> str:
        return ATELIER_STATE_LABELS[AtelierState(self.state)]

    @property
    def cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def is_open(self) -> bool:
        return self.state == AtelierState.EN_COURS

    def start(self) -> None:
        if self.cancelled_at is not None:
            raise DomainError(
                "Cet atelier est annulé : rétablissez-le avant de le démarrer.", code="cancelled"
            )
        if self.state == AtelierState.CLOS:
            raise DomainError("Cet atelier est clos : il ne peut pas être relancé.", code="closed")
        if self.state == AtelierState.EN_COURS:
            return
        self.state = AtelierState.EN_COURS
        self.started_at = utcnow()

    def close(self) -> None:
        if self.state == AtelierState.CLOS:
            return
        self.state = AtelierState.CLOS
        self.closed_at = utcnow()
        self.join_code = None
        self.timer_ends_at = None
        self.timer_remaining = None
        for step in self.steps:
            if step.status == StepStatus.ACTIVE:
                step.status = StepStatus.DONE

    def require_open(self) -> None:
        if self.state == AtelierState.CLOS:
            raise DomainError("L'atelier est clos : plus aucune contribution.", code="closed")
        if self.state != AtelierState.EN_COURS:
            raise DomainError(
                "L'atelier n'a pas encore commencé : attendez l'animateur.", code="not_started"
            )


class Step(Model):
    """One activity of the atelier's script, with its runtime state."""

    __tablename__ = "step"
    __table_args__ = (UniqueConstraint("atelier_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    atelier_id: Mapped[int] = mapped_column(
        ForeignKey("atelier.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    key: Mapped[str] = mapped_column(String(100))
    type: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    consigne: Mapped[str] = mapped_column(Text)
    help: Mapped[str] = mapped_column(Text, default="")
    duration_minutes: Mapped[int | None] = mapped_column(Integer)
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(16), default=StepStatus.PENDING)
    locked: Mapped[bool] = mapped_column(default=False)
    #: False: other people's cards are shown face down until the animateur reveals them.
    cards_visible: Mapped[bool] = mapped_column(default=True)
    #: False: vote tallies are hidden from participants until revealed.
    results_visible: Mapped[bool] = mapped_column(default=False)
    anonymous: Mapped[bool] = mapped_column(default=False)
    #: opened by the animateur for asynchronous contributions until then (issue 9,
    #: docs/cycle-life.md): writable whatever the atelier's state, current step or lock
    async_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: the step runs in sub-groups (issue 18, core/groups.py): None (plenary) or
    #: {"formation", "count", "cap", "phase", "focus", "display"}
    groups: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    atelier: Mapped[Atelier] = relationship(back_populates="steps")

    @property
    def async_open(self) -> bool:
        return self.async_until is not None and utcnow() < self.async_until

    def require_writable(self) -> None:
        """Participants may write only to the open, unlocked current step, or to a step
        open for asynchronous contributions until its deadline."""
        if self.async_open:
            return
        if self.async_until is not None and self.atelier.state != AtelierState.EN_COURS:
            from zoneinfo import ZoneInfo

            day = self.async_until.astimezone(ZoneInfo("Europe/Paris")).strftime("%d/%m/%Y")
            raise DomainError(
                f"La date limite de cette étape ({day}) est passée : les contributions "
                "sont closes.",
                code="closed",
            )
        self.atelier.require_open()
        if self.atelier.current_step_id != self.id:
            raise DomainError("Cette étape n'est pas l'étape en cours.", code="step_not_current")
        if self.locked:
            raise DomainError(
                "Les contributions sont verrouillées pour cette étape.", code="locked"
            )
