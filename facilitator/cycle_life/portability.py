"""A whole cycle as one JSON document: export, import, copy.

Generic by construction: the rows that belong to a cycle are found by following foreign
keys from ``cycle`` (a table whose foreign key points to a row of the cycle belongs to it),
so a new production table is exported without touching this module. On import every
primary key is re-assigned and every foreign key remapped. Conventions that new tables
must keep (docs/architecture.md): refer to other rows through foreign-key columns (ids
inside JSON columns are not remapped); accounts (``animateur``) are not cycle data: the
importing animateur takes their place."""

from __future__ import annotations

import base64
import datetime as dt
import secrets
from typing import Any

from sqlalchemy import Column, Table, insert, or_, select

from facilitator.core import events, tokens
from facilitator.core.cycles import unique_code
from facilitator.errors import InvalidInput
from facilitator.extensions import db
from facilitator.models import Animateur, Atelier, Cycle, CycleAnimateur
from facilitator.models.people import new_personal_code

FORMAT = "facilitator-cycle"
#: the application that wrote the file
GENERATOR = "facilitator"
#: 2: cycle life (issue 9) — step.async_until, répertoire entries, restitution, evaluation
VERSION = 2
#: tables never exported: accounts, and the live event log (a transport detail)
SKIPPED = {"animateur", "event", "alembic_version", "deroule"}
#: secrets of this instance, never carried over (issue 16): people's other devices
#: and invitations to the team
SKIPPED |= {"participant_key", "cycle_invitation"}
#: tables rebuilt on import rather than copied (the importing animateur owns the copy)
REBUILT = {"cycle_animateur"}
#: columns regenerated on import (secrets and codes are never carried over)
FRESH = {
    ("atelier", "join_code"): lambda: None,
    ("atelier", "link_token"): tokens.new_token,
    ("atelier", "read_token"): tokens.new_token,
    ("cycle", "feed_key"): tokens.new_token,
    ("participant", "token_hash"): lambda: tokens.token_hash(tokens.new_token()),
    ("participant", "personal_code"): new_personal_code,
    ("atelier", "seq"): lambda: 0,
    ("structure_profile", "update_token_hash"): lambda: None,
    ("restitution", "public_token"): tokens.new_token,
    # a copy on another instance is never public until its animateur publishes it
    ("restitution", "published"): lambda: False,
    # the personal links in e-mails already sent are signed with it
    ("mail_contact", "link_key"): lambda: secrets.token_hex(16),
}
#: what was sent by e-mail (a message holds the person's personal link and code): neither
#: exported nor imported, an imported message is empty
SENT: dict[tuple[str, str], Any] = {
    ("mail_message", "body_text"): "",
    ("mail_message", "body_html"): "",
    ("mail_message", "headers"): {},
}
#: columns never written to the file (null in it): the secrets above, what was sent
WITHHELD = set(FRESH) | set(SENT)
#: integer columns that hold an id without a foreign key
SOFT_REFERENCES = {("atelier", "current_step_id"): "step"}


def _tables() -> list[Table]:
    return [t for t in db.metadata.sorted_tables if t.name not in SKIPPED]


def _encode(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return {"$date": value.isoformat()}
    if isinstance(value, dt.time):
        return {"$time": value.isoformat()}
    if isinstance(value, bytes):
        return {"$bytes": base64.b64encode(value).decode()}
    return value


def _decode(column: Column[Any], value: Any) -> Any:
    if isinstance(value, dict) and set(value) == {"$date"}:
        text = value["$date"]
        return dt.datetime.fromisoformat(text) if "T" in text else dt.date.fromisoformat(text)
    if isinstance(value, dict) and set(value) == {"$time"}:
        return dt.time.fromisoformat(value["$time"])
    if isinstance(value, dict) and set(value) == {"$bytes"}:
        return base64.b64decode(value["$bytes"])
    return value


def export_cycle(cycle_id: int) -> dict[str, Any]:
    if db.session.get(Cycle, cycle_id) is None:
        raise InvalidInput("Cycle introuvable.")
    owned: dict[str, set[Any]] = {"cycle": {cycle_id}}
    out: dict[str, list[dict[str, Any]]] = {}
    for table in _tables():
        if table.name == "cycle":
            rows = db.session.execute(select(table).where(table.c.id == cycle_id)).mappings()
        else:
            links = [
                fk.parent.in_(owned[fk.column.table.name])
                for fk in table.foreign_keys
                if fk.column.table.name in owned and owned[fk.column.table.name]
            ]
            if not links:
                continue
            query = select(table).where(or_(*links))
            if "id" in table.c:
                query = query.order_by(table.c.id)  # import keeps the order of creation
            rows = db.session.execute(query).mappings()
        records = [
            {k: None if (table.name, k) in WITHHELD else _encode(v) for k, v in row.items()}
            for row in rows
        ]
        if records:
            out[table.name] = records
            owned[table.name] = {r["id"] for r in records if "id" in r}
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": dt.datetime.now(dt.UTC).isoformat(),
        "generator": GENERATOR,
        "tables": out,
    }


def _from_v1(tables: dict[str, Any]) -> dict[str, Any]:
    """Format 1 → 2: steps gain ``async_until`` (never open in an old file); the cycle-life
    tables did not exist (absent means empty)."""
    steps = tables.get("step", [])
    if isinstance(steps, list):
        tables["step"] = [
            {"async_until": None, **row} if isinstance(row, dict) else row for row in steps
        ]
    return tables


#: version → function bringing that version's tables to the next version
MIGRATIONS = {1: _from_v1}


def migrate(document: dict[str, Any]) -> dict[str, Any]:
    """Bring an export of an older format to the current one (a copy; refuses newer)."""
    version = document.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise InvalidInput("Version de format absente ou illisible.")
    if version > VERSION:
        raise InvalidInput(
            f"Ce fichier vient d'une version plus récente de facilitator (format {version}, "
            f"celle-ci lit jusqu'au format {VERSION}) : mettez à jour avant d'importer."
        )
    tables = document.get("tables")
    if not isinstance(tables, dict):
        raise InvalidInput("Fichier incomplet : il doit contenir exactement un cycle.")
    tables = {k: list(v) if isinstance(v, list) else v for k, v in tables.items()}
    while version < VERSION:
        tables = MIGRATIONS[version](tables)
        version += 1
    return {**document, "version": version, "tables": tables}


def import_cycle(document: Any, owner: Animateur) -> Cycle:
    """Create a new cycle from an export (older formats migrated first); all or nothing."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise InvalidInput("Ce fichier n'est pas un export de cycle facilitator.")
    document = migrate(document)
    tables = document.get("tables")
    if not isinstance(tables, dict) or len(tables.get("cycle", [])) != 1:
        raise InvalidInput("Fichier incomplet : il doit contenir exactement un cycle.")
    known = {t.name for t in _tables()}
    unknown = set(tables) - known
    if unknown:
        raise InvalidInput("Tables inconnues dans le fichier : " + ", ".join(sorted(unknown)))
    ids: dict[str, dict[Any, Any]] = {}
    soft: list[tuple[Table, Any, str, Any]] = []
    try:
        with events.transaction():
            for table in _tables():
                if table.name in REBUILT:
                    continue
                for record in tables.get(table.name, []):
                    _insert(table, record, ids, owner, soft)
            for table, new_id, column, old in soft:
                target = ids.get(SOFT_REFERENCES[(table.name, column)], {}).get(old)
                db.session.execute(
                    table.update().where(table.c.id == new_id).values({column: target})
                )
            cycle_id = ids["cycle"][tables["cycle"][0]["id"]]
            if not db.session.scalar(
                select(CycleAnimateur.id).where(
                    CycleAnimateur.cycle_id == cycle_id, CycleAnimateur.animateur_id == owner.id
                )
            ):
                db.session.add(
                    CycleAnimateur(cycle_id=cycle_id, animateur_id=owner.id, role="owner")
                )
            for atelier in db.session.scalars(select(Atelier).where(Atelier.cycle_id == cycle_id)):
                if atelier.state != "clos":
                    atelier.join_code = unique_code()
    except InvalidInput:
        raise  # rolled back
    except Exception as exc:
        raise InvalidInput(
            f"Fichier corrompu : rien n'a été importé ({exc.__class__.__name__})."
        ) from None
    cycle = db.session.get(Cycle, cycle_id)
    assert cycle is not None
    return cycle


def _insert(
    table: Table,
    record: Any,
    ids: dict[str, dict[Any, Any]],
    owner: Animateur,
    soft: list[tuple[Table, Any, str, Any]],
) -> None:
    if not isinstance(record, dict):
        raise InvalidInput(f"Fichier corrompu : ligne illisible dans « {table.name} ».")
    values: dict[str, Any] = {}
    for column in table.columns:
        if column.name == "id" or column.name not in record:
            continue
        value = _decode(column, record[column.name])
        fks = list(column.foreign_keys)
        if fks and value is not None:
            target = fks[0].column.table.name
            if target == "animateur":
                value = owner.id
            elif value in ids.get(target, {}):
                value = ids[target][value]
            else:
                raise InvalidInput(
                    f"Fichier corrompu : « {table.name}.{column.name} » "
                    "renvoie à une ligne absente."
                )
        if (table.name, column.name) in FRESH:
            value = FRESH[(table.name, column.name)]()
        elif (table.name, column.name) in SENT:
            value = SENT[(table.name, column.name)]
        values[column.name] = value
    result = db.session.execute(insert(table).values(values).returning(table.c.id))
    new_id = result.scalar_one()
    ids.setdefault(table.name, {})[record.get("id")] = new_id
    for (name, soft_column), _target in SOFT_REFERENCES.items():
        if name == table.name and record.get(soft_column) is not None:
            soft.append((table, new_id, soft_column, record[soft_column]))
