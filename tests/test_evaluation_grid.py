"""The five-conditions grid of the evaluation page shows the ateliers held (running or
closed) and the « Cycle » column, not the ateliers still to come."""

from __future__ import annotations

import html
import re
from typing import Any

from facilitator.activities.evaluation.models import ConditionAssessment
from facilitator.core import cycles
from facilitator.extensions import db
from facilitator.scripts import load_script_text
from tests.conftest import SCRIPT


def test_grid_shows_held_ateliers_and_the_cycle(
    client: Any, make_animateur: Any, make_atelier: Any
) -> None:
    owner = make_animateur()
    first = make_atelier(owner)  # held and closed
    cycle = first.cycle
    second = cycles.add_atelier(cycle, load_script_text(SCRIPT))  # running
    third = cycles.add_atelier(cycle, load_script_text(SCRIPT))  # not held yet
    first.start()
    first.close()
    second.start()
    db.session.commit()
    r = client.post("/connexion", data={"email": owner.email, "password": "mot-de-passe-solide"})
    assert r.status_code == 302
    base = f"/animateur/cycles/{cycle.id}/evaluation"
    page = html.unescape(client.get(base).get_data(as_text=True))
    grid = page.split('id="conditions"', 1)[1].split("</table>", 1)[0]
    heads = re.findall(r'<th scope="col" id="h-([^"]+)">([^<]*)</th>', grid)
    assert heads == [
        (str(first.id), f"At. {first.position}"),
        (str(second.id), f"At. {second.position}"),
        ("cycle", "Cycle"),
    ]
    assert f'name="c-{first.id}-programme_commun"' in grid
    assert f'name="c-{second.id}-programme_commun"' in grid
    assert f'name="c-{third.id}-' not in grid and 'name="c-cycle-programme_commun"' in grid
    # saving the shown grid still works
    saved = client.post(
        f"{base}/conditions",
        data={f"c-{second.id}-programme_commun": "3", "c-cycle-programme_commun": "2"},
    )
    assert saved.status_code == 302
    levels = {(x.atelier_id, x.condition): x.level for x in db.session.query(ConditionAssessment)}
    assert levels == {(second.id, "programme_commun"): 3, (None, "programme_commun"): 2}
