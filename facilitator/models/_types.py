from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Dialect, MetaData, String, Table, TypeDecorator, event, inspect
from sqlalchemy.orm import Session

from facilitator.validation import strip_controls


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite drops the zone)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime")
        return value.astimezone(UTC).replace(tzinfo=None) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return value.replace(tzinfo=UTC) if value is not None else None


@event.listens_for(Session, "before_flush")
def _strip_controls(session: Session, _context: Any, _instances: Any) -> None:
    """The last guard of stored text: no row keeps a control character (a NUL, an escape…)
    in a text column, whatever the form or event that wrote it (validation.strip_controls)."""
    for obj in (*session.new, *session.dirty):
        for prop in inspect(obj).mapper.column_attrs:
            if not isinstance(prop.columns[0].type, String):
                continue
            key = prop.key
            value = obj.__dict__.get(key)
            if isinstance(value, str):
                clean = strip_controls(value)
                if clean != value:
                    setattr(obj, key, clean)


@event.listens_for(Table, "after_parent_attach")
def _never_reuse_ids(table: Table, parent: Any) -> None:
    """SQLite: AUTOINCREMENT on every table with an integer id (migration 0009), so that
    the id of a deleted row (a cycle, a participant…) is never given again; the tables
    Alembic's batch mode copies keep it too."""
    if isinstance(parent, MetaData):
        table.dialect_options["sqlite"]["autoincrement"] = True
