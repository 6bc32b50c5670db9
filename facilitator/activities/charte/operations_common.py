"""What the charte's verbs share: who may steer it, the version being written and the
checks on it, the sections and the clauses' positions (docs/activities/charte.md)."""

from __future__ import annotations

from sqlalchemy import func, select

from facilitator.activities.charte import views as charte_views
from facilitator.activities.charte.models import CharteClause, CharteVersion
from facilitator.core import live as live_common
from facilitator.core.events import Viewer
from facilitator.errors import Forbidden, InvalidInput
from facilitator.extensions import db
from facilitator.models import Step

#: longest clause, in characters
MAX_CLAUSE = 2000
#: amendments still waiting for a decision
PENDING = ("proposee", "en_vote")


def require_animateur(viewer: Viewer, step: Step, what: str) -> None:
    """The animateur steers the charte in an open atelier, or — between ateliers — in a
    step open for asynchronous contributions (docs/activities/charte.md)."""
    live_common.require_animateur(viewer, what)
    if not step.async_open:
        step.atelier.require_open()


def require_voter(viewer: Viewer, step: Step) -> int:
    """Only participants vote, in a step open to writing; returns the voter's id."""
    if viewer.participant_id is None:
        raise Forbidden("Seuls les participants votent.")
    step.require_writable()
    return viewer.participant_id


def current(step: Step) -> CharteVersion:
    version = charte_views.latest(step.atelier.cycle_id)
    if version is None:
        raise InvalidInput(
            "La charte n'a pas encore de version : l'animateur commence la rédaction.",
            code="no_version",
        )
    return version


def require_draft(version: CharteVersion) -> None:
    """Only a draft changes; a frozen or voted version is refused clearly."""
    if version.status == "brouillon":
        return
    if version.status == "gelee":
        raise InvalidInput(
            f"La version {version.number} est gelée : plus aucune modification ni amendement. "
            "Pour la changer, l'animateur doit d'abord la dégeler (avant le vote) ou, après "
            "le vote, repartir de cette version.",
            code="frozen",
        )
    label = charte_views.VERSION_STATUSES.get(version.status, version.status).lower()
    raise InvalidInput(
        f"La version {version.number} est {label} : elle ne se modifie plus. "
        "Repartez de cette version pour en écrire une nouvelle.",
        code="frozen",
    )


def section_of(step: Step, section: str) -> dict[str, str]:
    for s in charte_views.sections(step):
        if s["id"] == section:
            return s
    raise InvalidInput(f"Section inconnue « {section} ».", code="bad_section")


def next_position(version_id: int, section: str) -> int:
    """The position of a clause added at the end of a section."""
    top = db.session.scalar(
        select(func.max(CharteClause.position)).where(
            CharteClause.version_id == version_id, CharteClause.section == section
        )
    )
    return int(top or 0) + 1
