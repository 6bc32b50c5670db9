"""Animateurs, structures, participants and attendance."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, Boolean, ForeignKey, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from facilitator.extensions import Model
from facilitator.models._types import UTCDateTime, utcnow

if TYPE_CHECKING:
    from facilitator.models.cycle import Cycle

#: Types of structure (GLOSSARY.md), value → French label shown to users.
STRUCTURE_TYPES: dict[str, str] = {
    "education_nationale": "Éducation nationale",
    "collectivite": "Collectivité territoriale",
    "etat": "État (préfecture, délégué du préfet)",
    "caf": "CAF",
    "departement": "Conseil départemental",
    "association": "Association",
    "entreprise": "Entreprise",
    "habitants": "Habitants / parents",
    "autre": "Autre",
}


class Animateur(Model):
    __tablename__ = "animateur"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def set_password(self, password: str, method: str = "scrypt") -> None:
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)


class Structure(Model):
    """An organisation taking part in a cycle: the cycle's répertoire des acteurs."""

    __tablename__ = "structure"
    __table_args__ = (UniqueConstraint("cycle_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycle.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(160))
    type: Mapped[str] = mapped_column(String(40))
    champs: Mapped[list[str]] = mapped_column(JSON, default=list)
    territoire: Mapped[str] = mapped_column(String(160), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    cycle: Mapped[Cycle] = relationship(back_populates="structures")

    @property
    def type_label(self) -> str:
        return STRUCTURE_TYPES.get(self.type, self.type)


#: the personal code's characters: no 0/O, 1/I/L (read aloud, typed on a phone)
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_personal_code() -> str:
    """A random personal code, « ABCD-EFGH » (8 characters, ~40 bits)."""
    chars = [secrets.choice(CODE_ALPHABET) for _ in range(8)]
    return "".join(chars[:4]) + "-" + "".join(chars[4:])


class Participant(Model):
    """A person of a cycle, without an account: the browser keeps a secret token,
    the database keeps only its SHA-256.

    ``personal_code`` proves, with the person's name and structure, that a new device is
    theirs (core/identity.py). It is stored as it is shown (their cycle page, their
    e-mails), not hashed: alone it opens nothing (name and structure must match, tries are
    counted), and it can be reset (docs/security.md)."""

    __tablename__ = "participant"

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycle.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(80))
    structure_id: Mapped[int | None] = mapped_column(
        ForeignKey("structure.id", ondelete="SET NULL")
    )
    personal_code: Mapped[str] = mapped_column(
        String(9), default=new_personal_code, server_default=""
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    structure: Mapped[Structure | None] = relationship()

    def public_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.display_name,
            "structure": self.structure.name if self.structure else None,
        }


class ParticipantKey(Model):
    """Another device of the same person (issue 16): its browser's secret token, hashed.
    Added when a returning person proves who they are with their personal code, and when
    two participants are merged (the merged one's devices keep working)."""

    __tablename__ = "participant_key"

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Attendance(Model):
    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("participant_id", "atelier_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE"), index=True
    )
    atelier_id: Mapped[int] = mapped_column(
        ForeignKey("atelier.id", ondelete="CASCADE"), index=True
    )
    #: present / excuse / absent
    status: Mapped[str] = mapped_column(String(16), default="present")
    #: took part from a distance (« à distance », issue 18): in a distanciel atelier
    #: everyone, in a hybride one whoever says so, in a présentiel one nobody
    remote: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    participant: Mapped[Participant] = relationship()
