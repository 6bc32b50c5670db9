"""Répertoire des acteurs (issue 9, docs/cycle-life.md): the cycle's structures with their
type, champs d'intervention, territoire, actions (their own words and the cartographie's)
and an optional contact person kept only with consent; a secret link lets a structure
update its own entry.

Consent: the contact is stored only when the box is ticked (``contact_consent_at``);
unticking it (withdrawal) erases the contact's fields at once, so it disappears from public
pages and from every document built afterwards."""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from typing import Any

from sqlalchemy import select

from facilitator.activities.cartographie.models import CHAMPS, Actor, ActorAction
from facilitator.core import events, tokens
from facilitator.core.live import check_privacy
from facilitator.errors import Conflict, InvalidInput, NotFound
from facilitator.extensions import db
from facilitator.models import STRUCTURE_TYPES, Structure
from facilitator.models._types import utcnow
from facilitator.models.cycle_life import StructureProfile

log = logging.getLogger(__name__)

NO_TERRITORY = "Territoire non précisé"
CHAMP_LABELS = list(CHAMPS.values())
MAX_ACTIONS = 2000
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s]{2,}$")
PHONE = re.compile(r"^\+?[0-9 .()-]{6,25}$")
CSV_HEADER = (
    "Territoire",
    "Structure",
    "Type",
    "Champs d'intervention",
    "Actions",
    "Contact",
    "Fonction",
    "Courriel",
    "Téléphone",
)


def profile_of(structure: Structure) -> StructureProfile:
    """The structure's répertoire entry (created on first use, flushed)."""
    profile = db.session.scalar(
        select(StructureProfile).where(StructureProfile.structure_id == structure.id)
    )
    if profile is None:
        profile = StructureProfile(structure_id=structure.id)
        db.session.add(profile)
        db.session.flush()
    return profile


def structure_in_cycle(cycle_id: int, structure_id: int) -> Structure:
    structure = db.session.get(Structure, structure_id)
    if structure is None or structure.cycle_id != cycle_id:
        raise NotFound("Structure introuvable dans ce cycle.")
    return structure


def has_contact(profile: StructureProfile | None) -> bool:
    return bool(profile and profile.contact_consent_at and profile.contact_name)


def _line(value: str, limit: int, what: str) -> str:
    value = " ".join((value or "").split())
    if len(value) > limit:
        raise InvalidInput(f"{what} fait {limit} caractères au plus.")
    return value


def update_entry(
    structure: Structure,
    form: dict[str, Any],
    *,
    by: str,
    version: int | None = None,
) -> StructureProfile:
    """Apply the entry form (animateur page or the structure's own link); one transaction.
    ``form``: type, territoire, champs (list of labels), actions, consent (bool),
    contact_name, contact_role, contact_email, contact_phone, confirm_personal (bool)."""
    with events.transaction():
        profile = _apply_entry(structure, form, by, version)
    log.info("répertoire entry of structure %s updated by %s", structure.id, by)
    return profile


def _apply_entry(
    structure: Structure, form: dict[str, Any], by: str, version: int | None
) -> StructureProfile:
    profile = profile_of(structure)
    if version is not None and version != profile.version:
        raise Conflict(
            "Cette fiche a été modifiée entre-temps : voici la version à jour, refaites "
            "votre modification.",
            code="conflict",
        )
    type_ = form.get("type") or structure.type
    if type_ not in STRUCTURE_TYPES:
        raise InvalidInput("Choisissez le type de la structure.")
    champs = [c for c in form.get("champs", []) if isinstance(c, str)]
    known = set(CHAMP_LABELS) | set(structure.champs or [])
    if any(c not in known for c in champs):
        raise InvalidInput("Champ d'intervention inconnu.")
    actions = (form.get("actions") or "").strip()
    if len(actions) > MAX_ACTIONS:
        raise InvalidInput(f"Les actions font {MAX_ACTIONS} caractères au plus.")
    if actions:
        check_privacy(actions, bool(form.get("confirm_personal")))
    structure.type = type_
    structure.territoire = _line(form.get("territoire", ""), 160, "Le territoire")
    structure.champs = champs
    profile.actions = actions
    if form.get("consent"):
        name = _line(form.get("contact_name", ""), 120, "Le nom du contact")
        if not name:
            raise InvalidInput("Indiquez le nom de la personne à contacter, ou décochez l'accord.")
        email = _line(form.get("contact_email", ""), 254, "Le courriel")
        phone = _line(form.get("contact_phone", ""), 40, "Le téléphone")
        if email and not EMAIL.match(email):
            raise InvalidInput("Le courriel du contact n'a pas la forme nom@domaine.fr.")
        if phone and not PHONE.match(phone):
            raise InvalidInput("Le téléphone du contact : chiffres, espaces et + seulement.")
        profile.contact_name = name
        profile.contact_role = _line(form.get("contact_role", ""), 120, "La fonction")
        profile.contact_email = email
        profile.contact_phone = phone
        if profile.contact_consent_at is None:
            profile.contact_consent_at = utcnow()
    else:
        withdraw_consent(profile)
    profile.updated_by = by
    profile.version += 1
    return profile


def withdraw_consent(profile: StructureProfile) -> None:
    """Erase the contact (consent withdrawn or never given). Flushes nothing."""
    profile.contact_name = ""
    profile.contact_role = ""
    profile.contact_email = ""
    profile.contact_phone = ""
    profile.contact_consent_at = None


def new_update_link(structure: Structure) -> str:
    """A fresh secret for the structure's self-update link (the previous one stops
    working); returns the token, which only its hash is kept of. Commits."""
    token = tokens.new_token()
    with events.transaction():
        profile_of(structure).update_token_hash = tokens.token_hash(token)
    return token


def revoke_update_link(structure: Structure) -> None:
    with events.transaction():
        profile_of(structure).update_token_hash = None


def structure_by_token(token: str) -> Structure:
    profile = None
    if token and len(token) <= 100:
        profile = db.session.scalar(
            select(StructureProfile).where(
                StructureProfile.update_token_hash == tokens.token_hash(token)
            )
        )
    if profile is None:
        raise NotFound(
            "Ce lien de mise à jour n'est pas (ou plus) valide : demandez-en un nouveau à "
            "l'animateur du cycle.",
            code="unknown_link",
        )
    structure = db.session.get(Structure, profile.structure_id)
    assert structure is not None
    return structure


# --- reading -----------------------------------------------------------------------------


def _actions_by_structure(cycle_id: int) -> dict[int, list[str]]:
    rows = db.session.execute(
        select(Actor.structure_id, ActorAction.text)
        .join(ActorAction, ActorAction.actor_id == Actor.id)
        .where(Actor.cycle_id == cycle_id, Actor.structure_id.is_not(None))
        .order_by(ActorAction.id)
    ).all()
    out: dict[int, list[str]] = defaultdict(list)
    for structure_id, text in rows:
        if structure_id is not None:  # filtered above
            out[structure_id].append(text)
    return out


def entries(cycle_id: int, *, with_admin: bool = False) -> list[dict[str, Any]]:
    """Every structure of the cycle as plain data, sorted by territory then name. The
    contact is present only with consent; ``with_admin`` adds what only the animateur sees
    (version, whether a self-update link exists)."""
    structures = db.session.scalars(
        select(Structure).where(Structure.cycle_id == cycle_id).order_by(Structure.name)
    ).all()
    profiles = {
        p.structure_id: p
        for p in db.session.scalars(
            select(StructureProfile).where(
                StructureProfile.structure_id.in_([s.id for s in structures])
            )
        )
    }
    actions = _actions_by_structure(cycle_id)
    out = []
    for s in structures:
        profile = profiles.get(s.id)
        contact = None
        if profile is not None and has_contact(profile):
            contact = {
                "name": profile.contact_name,
                "role": profile.contact_role,
                "email": profile.contact_email,
                "phone": profile.contact_phone,
                "consent_at": profile.contact_consent_at,
            }
        entry: dict[str, Any] = {
            "id": s.id,
            "name": s.name,
            "type": s.type,
            "type_label": s.type_label,
            "champs": list(s.champs or []),
            "territoire": s.territoire,
            "own_actions": profile.actions if profile else "",
            "map_actions": actions.get(s.id, []),
            "contact": contact,
        }
        if with_admin:
            entry["version"] = profile.version if profile else 1
            entry["has_link"] = bool(profile and profile.update_token_hash)
            entry["updated_by"] = profile.updated_by if profile else ""
        out.append(entry)
    out.sort(key=lambda e: (not e["territoire"], e["territoire"].casefold(), e["name"].casefold()))
    return out


def by_territory(items: list[dict[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for entry in items:
        groups[entry["territoire"] or NO_TERRITORY].append(entry)
    return list(groups.items())


def csv_rows(cycle_id: int) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for e in entries(cycle_id):
        contact = e["contact"] or {}
        actions = [a for a in [e["own_actions"], *e["map_actions"]] if a]
        rows.append(
            (
                e["territoire"] or NO_TERRITORY,
                e["name"],
                e["type_label"],
                ", ".join(e["champs"]),
                " ; ".join(" ".join(a.split()) for a in actions),
                contact.get("name", ""),
                contact.get("role", ""),
                contact.get("email", ""),
                contact.get("phone", ""),
            )
        )
    return rows
