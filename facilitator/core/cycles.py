"""Cycles, ateliers (from scripts) and structures."""

from __future__ import annotations

import logging
from datetime import date, timedelta
from typing import Any, TypeVar

from flask import has_request_context, request
from sqlalchemy import func, select, update

from facilitator import contract
from facilitator.core import events, tokens
from facilitator.errors import Forbidden, InvalidInput, NotFound
from facilitator.extensions import db
from facilitator.models import (
    STRUCTURE_TYPES,
    Animateur,
    Atelier,
    AtelierState,
    Cycle,
    CycleAnimateur,
    Step,
    Structure,
)
from facilitator.models.cycle import MODES
from facilitator.scripts import Script
from facilitator.scripts.cycles import CycleTemplate
from facilitator.validation import check_date

log = logging.getLogger(__name__)

T = TypeVar("T")


def cycles_of(animateur: Animateur) -> list[Cycle]:
    return list(
        db.session.scalars(
            select(Cycle)
            .join(CycleAnimateur, CycleAnimateur.cycle_id == Cycle.id)
            .where(CycleAnimateur.animateur_id == animateur.id)
            .order_by(Cycle.created_at.desc())
        )
    )


def role_in(animateur_id: int | None, cycle_id: int) -> str | None:
    """The animateur's role in the cycle: owner, co, observateur, or None."""
    if animateur_id is None:
        return None
    return db.session.scalar(
        select(CycleAnimateur.role).where(
            CycleAnimateur.cycle_id == cycle_id, CycleAnimateur.animateur_id == animateur_id
        )
    )


def role_in_atelier(animateur_id: int | None, atelier_id: int) -> str | None:
    """``role_in`` the cycle of this atelier (one query: checked at each live action)."""
    if animateur_id is None:
        return None
    return db.session.scalar(
        select(CycleAnimateur.role)
        .join(Atelier, Atelier.cycle_id == CycleAnimateur.cycle_id)
        .where(Atelier.id == atelier_id, CycleAnimateur.animateur_id == animateur_id)
    )


def can_run(animateur_id: int | None, cycle_id: int) -> bool:
    """Animateurs and co-animateurs run the cycle; observateurs only read it."""
    return role_in(animateur_id, cycle_id) in ("owner", "co")


def _reading() -> bool:
    """A safe request (GET never writes): observateurs may read every page."""
    return has_request_context() and request.method in ("GET", "HEAD")


def get_cycle_for(animateur: Animateur, cycle_id: int) -> Cycle:
    cycle = db.session.get(Cycle, cycle_id)
    if cycle is None:
        raise NotFound("Cycle introuvable.")
    return _runs(animateur, cycle.id, cycle)


def get_cycle_run_by(animateur: Animateur, cycle_id: int) -> Cycle:
    """The cycle, for a page that shows personal data (e-mail addresses, the whole export):
    only those who run it, never an observateur, even to read."""
    cycle = get_cycle_for(animateur, cycle_id)
    if not can_run(animateur.id, cycle.id):
        raise Forbidden(
            "Vous observez ce cycle : les adresses et l'export complet (données personnelles) "
            "sont réservés à l'équipe qui l'anime.",
            code="read_only",
        )
    return cycle


def get_atelier_for(animateur: Animateur, atelier_id: int) -> Atelier:
    atelier = db.session.get(Atelier, atelier_id)
    if atelier is None:
        raise NotFound("Atelier introuvable.")
    return _runs(animateur, atelier.cycle_id, atelier)


def _runs(animateur: Animateur, cycle_id: int, found: T) -> T:
    """``found`` when ``animateur`` runs the cycle ``cycle_id`` (or observes it, for a page
    that only reads)."""
    role = role_in(animateur.id, cycle_id)
    if role == "observateur" and _reading():
        return found
    if role == "observateur":
        raise Forbidden("Vous observez ce cycle : lecture seule.", code="read_only")
    if role is None:
        raise Forbidden("Vous n'animez pas ce cycle.")
    return found


def create_cycle(owner: Animateur, title: str, theme: str = "", territoire: str = "") -> Cycle:
    title = title.strip()
    if not title:
        raise InvalidInput("Donnez un titre au cycle.")
    if len(title) > 200:
        raise InvalidInput("Le titre du cycle fait 200 caractères au plus.")
    with events.transaction():
        cycle = Cycle(title=title, theme=theme.strip(), territoire=territoire.strip()[:200])
        db.session.add(cycle)
        db.session.flush()
        db.session.add(CycleAnimateur(cycle_id=cycle.id, animateur_id=owner.id, role="owner"))
    log.info("cycle %s created by animateur %s", cycle.id, owner.id)
    return cycle


def unique_code() -> str:
    """A join code no atelier uses."""
    for _ in range(50):
        code = tokens.new_join_code()
        if db.session.scalar(select(Atelier.id).where(Atelier.join_code == code)) is None:
            return code
    raise RuntimeError("no free join code")


def add_atelier(
    cycle: Cycle,
    script: Script,
    *,
    title: str | None = None,
    when: date | None = None,
    mode: str = "presentiel",
    lieu: str = "",
) -> Atelier:
    """A new atelier with a snapshot of ``script`` (editing the file later changes nothing),
    in its own transaction."""
    with events.transaction():
        atelier = _new_atelier(cycle, script, title=title, when=when, mode=mode, lieu=lieu)
    log.info("atelier %s added to cycle %s from script %s", atelier.id, cycle.id, script.id)
    return atelier


def _new_atelier(
    cycle: Cycle, script: Script, *, title: str | None, when: date | None, mode: str, lieu: str
) -> Atelier:
    """Add and flush a new atelier (the caller's transaction commits)."""
    if mode not in MODES:
        raise InvalidInput("Mode inconnu : présentiel, distanciel ou hybride.")
    if when is not None:
        check_date(when, "La date de l'atelier")
    position = db.session.scalar(
        select(func.coalesce(func.max(Atelier.position), 0)).where(Atelier.cycle_id == cycle.id)
    )
    assert position is not None  # coalesce
    atelier = Atelier(
        cycle=cycle,  # in ``cycle.ateliers`` at once
        position=position + 1,
        title=(title or script.title).strip()[:200] or script.title,
        date=when,
        mode=mode,
        lieu=lieu.strip()[:200],
        join_code=unique_code(),
        link_token=tokens.new_token(),
        read_token=tokens.new_token(),
        script_id=script.id,
        script_snapshot=script.snapshot(),
    )
    for index, spec in enumerate(script.steps):
        atelier.steps.append(step_from_spec(spec, index))
    db.session.add(atelier)
    db.session.flush()
    return atelier


def step_from_spec(spec: dict[str, Any], position: int) -> Step:
    """A new step from a script's step (``Script.steps``), with its type's initial flags."""
    flags = contract.get(spec["type"]).initial_flags(spec["settings"])
    return Step(
        position=position,
        key=spec["id"],
        type=spec["type"],
        title=spec["title"],
        consigne=spec["consigne"],
        help=spec.get("help") or "",
        duration_minutes=spec.get("duration"),
        settings=spec["settings"],
        #: the script's ``groups:`` (scripts/groups.py); formed in the console (core/groups.py)
        groups={"plan": spec["groups"], "phase": "preparation"} if spec.get("groups") else None,
        **flags,
    )


def add_structure(cycle_id: int, name: str, type_: str, territoire: str = "") -> Structure:
    """Find or create a structure of the cycle (names compared case-insensitively).
    Flushes; the caller commits."""
    name = " ".join(name.split())
    if not name:
        raise InvalidInput("Indiquez le nom de votre structure.")
    if len(name) > 160:
        raise InvalidInput("Le nom de la structure fait 160 caractères au plus.")
    existing = db.session.scalar(
        select(Structure).where(
            Structure.cycle_id == cycle_id, func.lower(Structure.name) == name.lower()
        )
    )
    if existing is not None:
        return existing
    if type_ not in STRUCTURE_TYPES:
        raise InvalidInput("Choisissez le type de votre structure.")
    structure = Structure(cycle_id=cycle_id, name=name, type=type_, territoire=territoire[:160])
    db.session.add(structure)
    db.session.flush()
    return structure


def invite_co_animateur(cycle: Cycle, inviter: Animateur, email: str) -> Animateur:
    """Give an existing animateur account the same rights on this cycle."""
    email = email.strip().lower()
    invited = db.session.scalar(select(Animateur).where(func.lower(Animateur.email) == email))
    if invited is None:
        raise InvalidInput(
            "Aucun compte animateur avec cette adresse : créez-le d'abord "
            "(commande « facilitator create-animateur »)."
        )
    role = role_in(invited.id, cycle.id)
    if role in ("owner", "co"):
        raise InvalidInput(f"{invited.name} anime déjà ce cycle.")
    with events.transaction():
        if role == "observateur":  # an observateur who now co-animates: one row, a new role
            db.session.execute(
                update(CycleAnimateur)
                .where(
                    CycleAnimateur.cycle_id == cycle.id,
                    CycleAnimateur.animateur_id == invited.id,
                )
                .values(role="co")
            )
        else:
            db.session.add(CycleAnimateur(cycle_id=cycle.id, animateur_id=invited.id, role="co"))
    log.info("animateur %s invited to cycle %s by %s", invited.id, cycle.id, inviter.id)
    return invited


def team(cycle: Cycle) -> list[tuple[Animateur, str]]:
    rows = db.session.execute(
        select(Animateur, CycleAnimateur.role)
        .join(CycleAnimateur, CycleAnimateur.animateur_id == Animateur.id)
        .where(CycleAnimateur.cycle_id == cycle.id)
        .order_by(CycleAnimateur.id)
    )
    return [(animateur, role) for animateur, role in rows]


def copy_as_template(cycle: Cycle, owner: Animateur, title: str, territoire: str) -> Cycle:
    """A new cycle with the same thème and the same ateliers (titles, modes, scripts as
    snapshotted), for another territory: no participants, structures or productions."""
    new = create_cycle(owner, title or f"{cycle.title} (copie)", cycle.theme, territoire)
    for old in cycle.ateliers:
        snapshot = old.script_snapshot
        script = Script(
            snapshot["id"],
            snapshot["title"],
            snapshot.get("description", ""),
            snapshot.get("duration"),
            snapshot["steps"],
        )
        add_atelier(new, script, title=old.title, mode=old.mode)
    log.info("cycle %s copied from cycle %s", new.id, cycle.id)
    return new


def apply_template(
    cycle: Cycle, template: CycleTemplate, *, first: date | None = None, every_weeks: int = 4
) -> list[Atelier]:
    """Create the ateliers of a cycle template (docs/scripts.md, « Modèles de cycle ») in
    one transaction, after the cycle's existing ateliers; an atelier whose script the cycle
    already uses is not created again. With ``first``, the n-th created atelier is dated
    ``first + n × every_weeks`` weeks. Returns the ateliers created."""
    if not 1 <= every_weeks <= 26:
        raise InvalidInput("L'intervalle entre deux ateliers va de 1 à 26 semaines.")
    used = {a.script_id for a in cycle.ateliers}
    created: list[Atelier] = []
    with events.transaction():
        for item in template.ateliers:
            if item.script.id in used:
                continue
            when = first + timedelta(weeks=every_weeks * len(created)) if first else None
            created.append(
                _new_atelier(
                    cycle, item.script, title=item.title, when=when, mode=item.mode, lieu=""
                )
            )
            used.add(item.script.id)
    log.info("template %s applied to cycle %s: %s ateliers", template.id, cycle.id, len(created))
    return created


def regenerate_links(atelier: Atelier) -> None:
    """Revoke the participant link, QR code, join code and read-only link; issue new ones."""
    with events.transaction():
        atelier.link_token = tokens.new_token()
        atelier.read_token = tokens.new_token()
        if atelier.state != "clos":
            atelier.join_code = unique_code()


def connectable_ateliers(cycle_id: int) -> set[int]:
    """The cycle's ateliers people may have a board open on (préparé or en cours, not
    cancelled): where an event about a person (merged, revoked) must be recorded for every
    server process to hear of it."""
    return set(
        db.session.scalars(
            select(Atelier.id).where(
                Atelier.cycle_id == cycle_id,
                Atelier.state != AtelierState.CLOS,
                Atelier.cancelled_at.is_(None),
            )
        )
    )
