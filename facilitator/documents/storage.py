"""Documents kept in the instance folder: the compte rendu written when an atelier closes
(``services.signals.atelier_closed``), rewritten on demand and when the closed atelier's
record changes (``closed_atelier_changed``).

``instance/documents/ateliers/<id>/`` holds ``compte-rendu.docx``, ``.md``, ``.html`` and
``manifest.json`` (file name, time of generation). ODT and PDF are converted on demand from
the stored DOCX: conversion takes seconds, the close must not wait for it."""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import select

from facilitator.core import signals
from facilitator.documents import Output, Settings, build, compile_document, kinds, render
from facilitator.extensions import db
from facilitator.models import Atelier
from facilitator.models._types import utcnow
from facilitator.rendering import FORMATS, convert

log = logging.getLogger(__name__)

#: written at close: fast formats only
AUTO_FORMATS = ("docx", "md", "html")
KIND = "compte-rendu"
MANIFEST = "manifest.json"


def folder(atelier_id: int) -> Path:
    instance = Path(current_app.config.get("INSTANCE_PATH") or current_app.instance_path)
    return instance / "documents" / "ateliers" / str(atelier_id)


def _write(path: Path, content: bytes) -> None:
    """Atomic: a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def store_compte_rendu(atelier_id: int, settings: Settings | None = None) -> list[Path]:
    """(Re)write the atelier's compte rendu in ``AUTO_FORMATS``; return the files."""
    settings = settings or Settings.from_app()
    kind = kinds.get(KIND)
    doc = build(kind, atelier_id)
    target = folder(atelier_id)
    written = []
    for fmt in AUTO_FORMATS:
        path = target / f"{KIND}.{fmt}"
        _write(path, render(doc, kind, FORMATS[fmt], settings))
        written.append(path)
    manifest = {"filename": doc.filename, "generated_at": utcnow().isoformat()}
    _write(target / MANIFEST, json.dumps(manifest).encode())
    log.info("compte rendu of atelier %s written to %s", atelier_id, target)
    return written


def manifest(atelier_id: int) -> dict[str, Any] | None:
    """``{"filename", "generated_at" (datetime), "formats"}`` of the stored compte rendu."""
    target = folder(atelier_id)
    try:
        data = json.loads((target / MANIFEST).read_text())
    except (OSError, ValueError):
        return None
    formats = [f for f in AUTO_FORMATS if (target / f"{KIND}.{f}").exists()]
    if "docx" not in formats:
        return None
    return {
        "filename": str(data.get("filename") or KIND),
        "generated_at": datetime.fromisoformat(data["generated_at"]),
        "formats": formats,
    }


def fetch_compte_rendu(atelier: Atelier, fmt: str, settings: Settings | None = None) -> Output:
    """The compte rendu of a closed atelier as written at close (or last regenerated);
    a fresh, provisional one while the atelier is not closed (or nothing is stored)."""
    settings = settings or Settings.from_app()
    found = kinds.get_format(kinds.get(KIND), fmt)
    stored = manifest(atelier.id) if atelier.state == "clos" else None
    if stored is None:
        return compile_document(KIND, atelier.id, fmt, settings)
    source = folder(atelier.id) / f"{KIND}.{'docx' if found.libreoffice else found.id}"
    content = source.read_bytes()
    if found.libreoffice:
        if convert.soffice(settings.soffice) is None:
            raise convert.LibreOfficeMissing(convert.missing_message(found.id))
        content = convert.convert(
            content, found.id, profile=settings.profile, executable=settings.soffice
        )
    return Output(content, f"{stored['filename']}.{found.extension}", found, None)


def stored_compte_rendu(atelier_id: int, fmt: str = "docx") -> bytes | None:
    """The compte rendu of a closed atelier as stored at its close (or when its record was
    last changed), in ``fmt`` (one of ``AUTO_FORMATS``); None when the atelier is not closed
    or nothing is stored. What an e-mail attaches: the same bytes the page serves."""
    if fmt not in AUTO_FORMATS:
        raise ValueError(f"stored formats: {AUTO_FORMATS}")
    atelier = db.session.get(Atelier, atelier_id)
    if atelier is None or atelier.state != "clos" or manifest(atelier_id) is None:
        return None
    try:
        return (folder(atelier_id) / f"{KIND}.{fmt}").read_bytes()
    except OSError:
        return None


def compile_or_fetch(kind_id: str, scope_id: int, fmt: str, *, as_of_now: bool = False) -> Output:
    """One document per name: a closed atelier's compte rendu is the stored one (as the
    page and the read-only link serve it); ``as_of_now`` recomputes it from today's board
    without storing it. Every other kind is compiled."""
    if kind_id == KIND and not as_of_now:
        atelier = db.session.get(Atelier, scope_id)
        if atelier is not None:
            return fetch_compte_rendu(atelier, fmt)
    return compile_document(kind_id, scope_id, fmt)


def _on_atelier_closed(atelier_id: int, **_: object) -> None:
    """Write the compte rendu of a closed atelier; a failure is logged, never raised (the
    atelier is closed either way and the document can be regenerated)."""
    try:
        store_compte_rendu(atelier_id)
    except Exception:
        db.session.rollback()
        log.exception("compte rendu of atelier %s could not be written", atelier_id)


def remove(atelier_id: int) -> bool:
    """Erase what is stored for the atelier; True when there was something."""
    target = folder(atelier_id)
    if not target.exists():
        return False
    shutil.rmtree(target)
    log.info("stored documents of atelier %s erased", atelier_id)
    return True


def _on_cycle_deleted(_cycle_id: int, atelier_ids: list[int], **_: object) -> None:
    for atelier_id in atelier_ids:
        remove(atelier_id)


def remove_orphans() -> list[int]:
    """Erase the stored documents of ateliers that no longer exist (cycles deleted before
    documents went with them); return their ids."""
    root = folder(0).parent
    if not root.exists():
        return []
    found = [int(p.name) for p in root.iterdir() if p.is_dir() and p.name.isdigit()]
    alive = set(db.session.scalars(select(Atelier.id).where(Atelier.id.in_(found))))
    orphans = sorted(set(found) - alive)
    for atelier_id in orphans:
        remove(atelier_id)
    return orphans


def connect() -> None:
    """Subscribe to ``atelier_closed`` and ``cycle_deleted`` (idempotent)."""
    signals.atelier_closed.connect(_on_atelier_closed, weak=False)
    signals.closed_atelier_changed.connect(_on_atelier_closed, weak=False)
    signals.cycle_deleted.connect(_on_cycle_deleted, weak=False)
