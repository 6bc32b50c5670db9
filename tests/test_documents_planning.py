"""Documents follow the ateliers' planning (issues 15 and 16): a postponed atelier says
when it was first planned, a cancelled one is kept in the list as « annulé » and counted in
no figure (« ateliers programmés »)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from facilitator.core import cycles
from facilitator.documents import compile_document
from facilitator.extensions import db
from facilitator.rendering import fr
from facilitator.scripts import load_script_text
from tests.conftest import SCRIPT
from tests.test_atelier_planning import SOON, form, planned  # noqa: F401  (the fixture)


def _synthese(cycle_id: int) -> str:
    return compile_document("synthese", cycle_id, "md").content.decode()


def _flat(text: str) -> str:
    """Whatever spaces the French typography puts, as plain ones."""
    return " ".join(text.replace("\u202f", " ").replace("\u00a0", " ").split())


def test_postponed_and_cancelled_ateliers_in_the_synthese(planned: dict[str, Any]) -> None:  # noqa: F811
    client, second = planned["client"], planned["second"]
    third = cycles.add_atelier(second.cycle, load_script_text(SCRIPT), title="Troisième")
    db.session.commit()
    cycle_id = second.cycle_id
    assert "3 ateliers programmés" in _flat(_synthese(cycle_id))
    for atelier in (second, third):
        r = client.post(f"/animateur/ateliers/{atelier.id}/modifier", data=form())
        assert r.status_code == 302
    later = SOON + timedelta(days=35)
    r = client.post(
        f"/animateur/ateliers/{second.id}/reporter", data={"new_date": later.isoformat()}
    )
    assert r.status_code == 302
    assert client.post(f"/animateur/ateliers/{third.id}/annuler").status_code == 302
    text = _flat(_synthese(cycle_id))
    assert f"reporté du {_flat(fr.date_medium(SOON))}" in text
    assert "2 ateliers programmés, dont 0 clos ; 1 annulé" in text
    assert "annulé (prévu le" in text
