"""Who organises: the structure running this instance (its name, address, colour and logo,
printed in the header of every document and on the public pages) and the co-organisers of
a cycle (a cycle may be run by two structures together)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from facilitator.extensions import Model
from facilitator.models._types import UTCDateTime, utcnow


class Organiser(Model):
    """The instance's organiser: one row (``id`` 1), created on first save."""

    __tablename__ = "organiser"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(Text, default="")
    #: ``#1f3b5c`` (titles of the documents), "" for the default
    colour: Mapped[str] = mapped_column(String(7), default="")
    #: a checked PNG, or an SVG re-serialised without script (core/organiser.py)
    logo: Mapped[bytes | None] = mapped_column(LargeBinary)
    #: ``image/png`` or ``image/svg+xml``; "" without a logo
    logo_type: Mapped[str] = mapped_column(String(32), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class CycleCoOrganiser(Model):
    """A structure that organises a cycle together with the instance's organiser."""

    __tablename__ = "cycle_co_organiser"

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycle.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0)
