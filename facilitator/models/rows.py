"""What the productions of a cycle share in their tables: the columns of a row added with
the client's id (an actor, a relation, a chaîne de valeur, an action of the feuille de
route…) and the many-to-many link tables between them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Integer, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from facilitator.extensions import db
from facilitator.models._types import UTCDateTime, utcnow

#: the ``sort_order`` of the columns after a row's own (``CycleRow``)
LAST = 3


class CycleRow:
    """The columns of a production of the cycle: the cycle, the id its client gave it, the
    version edits start from, who added it and in which atelier. ``sort_order`` keeps each
    table's columns in their order (a cycle's export lists them so): these first, the row's
    own, the rest last."""

    id: Mapped[int] = mapped_column(primary_key=True, sort_order=-1)
    cycle_id: Mapped[int] = mapped_column(
        ForeignKey("cycle.id", ondelete="CASCADE"), index=True, sort_order=-1
    )
    client_id: Mapped[str] = mapped_column(String(64), sort_order=-1)
    version: Mapped[int] = mapped_column(Integer, default=1, sort_order=LAST)
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("participant.id", ondelete="SET NULL"), sort_order=LAST
    )
    atelier_id: Mapped[int | None] = mapped_column(
        ForeignKey("atelier.id", ondelete="SET NULL"), sort_order=LAST
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, sort_order=LAST)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, onupdate=utcnow, sort_order=LAST
    )


class ValidatedRow(CycleRow):
    """A production the animateur validates: ``validated`` right after the row's own
    columns."""

    validated: Mapped[bool] = mapped_column(default=False, sort_order=1)


def link_table(name: str, left: tuple[str, str], right: tuple[str, str]) -> Table:
    """A many-to-many table between ``left`` and ``right`` (each a column and the key it
    points to, deleted with it, indexed), each pair once; an ``id`` column like every table,
    so that portability can import it."""
    return Table(
        name,
        db.metadata,
        Column("id", Integer, primary_key=True),
        *(
            Column(column, ForeignKey(target, ondelete="CASCADE"), nullable=False, index=True)
            for column, target in (left, right)
        ),
        UniqueConstraint(left[0], right[0]),
    )
