"""The contract every activity type declares, and the registry the core reads it from.

An activity type is one package, ``facilitator/activities/<type>/`` (docs/architecture.md:
"Adding an activity type"). Its ``Activity`` subclass names everything the rest of the app
needs of it — settings, actions, views, documents, pages and browser assets — and
``facilitator/activities/__init__.py`` registers it explicitly. The core (steering, cards,
snapshots, scripts) only ever looks a type up here, so it never imports an activity."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel

from facilitator.validation import StrictModel

if TYPE_CHECKING:
    from flask import Blueprint

    from facilitator.core.events import Viewer
    from facilitator.models import Step
    from facilitator.rendering.kinds import DocumentKind
    from facilitator.rendering.sections import ActivityDocuments


#: who may call an action (``ActionSpec.roles``)
ANIMATEUR = frozenset({"animateur"})
PARTICIPANT = frozenset({"participant"})
BOTH = frozenset({"participant", "animateur"})
EVERYONE = frozenset({"participant", "animateur", "viewer"})


@dataclass(frozen=True)
class ActionSpec:
    """An activity-specific action, reached through the ``step_action`` socket event
    (docs/protocol.md). ``handler(viewer, step, payload)`` is an operation: it validates,
    authorises, changes and records inside ``events.live_change`` and returns the ack's
    result."""

    schema: type[BaseModel]
    handler: Callable[[Viewer, Step, Any], dict[str, Any]]
    #: roles allowed to call it: "participant", "animateur", "viewer"
    roles: frozenset[str] = ANIMATEUR


@dataclass(frozen=True)
class ProductionCount:
    """How many objects of one kind a type's steps produced in one atelier (the synthèse's
    « Productions par atelier »): ``what``/``plural`` name them in French (« relation à
    créer »), ``vote`` says they are votes or ballots (counted in the votes column)."""

    atelier_id: int
    what: str
    plural: str
    count: int
    vote: bool = False


class Activity:
    #: identifier used as ``type:`` in scripts; unique across the registry.
    type_id: ClassVar[str]
    #: French name shown to the animateur.
    label: ClassVar[str]
    #: one-line help shown to participants when the script gives none.
    default_help: ClassVar[str]
    #: pydantic model of the step's ``settings:`` block, validated when a script loads.
    Settings: ClassVar[type[StrictModel]]

    #: activity-specific actions by name (``step_action`` event); the generic board actions
    #: (cards, votes) are available to every type.
    actions: ClassVar[dict[str, ActionSpec]] = {}

    #: what the type brings to the compte rendu and the synthèse (its ``document`` module).
    documents: ClassVar[type[ActivityDocuments]]
    #: whether its steps may run in sub-groups (issue 18, core/groups.py): its items carry
    #: their group and follow the group visibility rule
    groups: ClassVar[bool] = False
    #: the cycle documents it brings (charte, feuille de route), registered as kinds
    cycle_documents: ClassVar[tuple[DocumentKind, ...]] = ()
    #: its HTTP pages (its ``pages`` module), registered by the web layer; None: no pages.
    blueprint: ClassVar[Blueprint | None] = None

    # browser assets, relative to static/ and templates/; a test checks that they exist and
    # that static/js/activities/registry.js lists exactly the registered types
    #: the view module (an ``ActivityView``), e.g. ``js/activities/charte/view.js``
    js_module: ClassVar[str]
    #: the module of its envelope reducers
    js_reducers: ClassVar[str]
    #: its stylesheet, loaded once by its view
    stylesheet: ClassVar[str]
    #: the folder of its server-rendered templates; None when it renders none
    templates: ClassVar[str | None] = None

    @classmethod
    def state(cls, step: Step, viewer: Viewer) -> dict[str, Any] | None:
        """Activity-specific state of ``step`` as ``viewer`` may see it, added to snapshots
        under ``activity[step_id]``; None when the type has none."""
        return None

    @classmethod
    def group_counts(cls, step: Step) -> dict[int, int]:
        """Sub-group id → how many items the group produced in ``step`` beyond its cards
        (issue 18: the console's live counts)."""
        return {}

    @classmethod
    def group_texts(cls, step: Step) -> dict[int, list[str]]:
        """Sub-group id → what it produced in ``step`` beyond its cards, as plain texts
        (the compte rendu's « Production du groupe »)."""
        return {}

    @classmethod
    def has_items(cls, step: Step) -> bool:
        """Something beyond cards was produced in ``step`` (it may no longer switch to
        sub-groups)."""
        return False

    @classmethod
    def help_for(cls, settings: dict[str, Any]) -> str:
        """The one-line help of a step whose script gives none (may depend on settings)."""
        return cls.default_help

    @classmethod
    def initial_flags(cls, settings: dict[str, Any]) -> dict[str, bool]:
        """Runtime flags of a new step (cards_visible, results_visible, anonymous)."""
        return {}

    @classmethod
    def columns(cls, settings: dict[str, Any]) -> list[dict[str, str]]:
        """The columns cards may be placed in."""
        return []

    @classmethod
    def vote_rules(cls, settings: dict[str, Any]) -> tuple[int, int] | None:
        """``(budget, max_per_card)`` when the step has dot voting, else None."""
        return None

    @classmethod
    def question_references(cls, question_id: int) -> dict[str, list[dict[str, Any]]]:
        """What of this type points to the question, by kind (``{"actions": […]}``): shown
        when the question is withdrawn (nothing is deleted)."""
        return {}

    @classmethod
    def question_reference_counts(cls, cycle_id: int) -> dict[int, dict[str, int]]:
        """question id → kind → how many of this type's rows point to it."""
        return {}

    @classmethod
    def production_counts(cls, cycle_id: int) -> list[ProductionCount]:
        """What this type's objects were created in each atelier of the cycle (actors,
        relations, clauses, ballots…), each counted in the atelier where it happened (in
        its log or its row's ``atelier_id``). The cards and card votes of any step are the
        core's and are counted by the synthèse itself."""
        return []

    @classmethod
    def assets(cls) -> dict[str, str]:
        """Browser assets by kind (``js_module``, ``js_reducers``, ``stylesheet``)."""
        return {
            "js_module": cls.js_module,
            "js_reducers": cls.js_reducers,
            "stylesheet": cls.stylesheet,
        }


#: type_id → entry; filled by ``facilitator.activities`` (imported by ``create_app``)
REGISTRY: dict[str, type[Activity]] = {}


def register(cls: type[Activity]) -> type[Activity]:
    if cls.type_id in REGISTRY:
        raise RuntimeError(f"activity type {cls.type_id!r} registered twice")
    REGISTRY[cls.type_id] = cls
    return cls


def get(type_id: str) -> type[Activity]:
    """The registered type (KeyError for an unknown one: scripts are validated on load)."""
    return REGISTRY[type_id]
