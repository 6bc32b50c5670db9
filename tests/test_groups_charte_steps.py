"""The charte's amendments belong to the cycle's charte (its current version), not to one
step: while a charte step's groups work apart, another charte step of the same atelier (a
plenary one, say) must not show a participant the other groups' amendments (issue 18)."""

from __future__ import annotations

from typing import Any

from tests.groups_helpers import act, formed_world, snapshot

SCRIPT = """
format: 1
id: test-groupes-charte-deux
title: Charte en sous-groupes puis en plénière
steps:
  - id: charte
    type: charte
    title: Charte par table
    consigne: Écrivons la charte en groupes.
    settings:
      sections:
        - {id: objet, label: Objet}
    groups: {formation: mixte, count: 2}
  - id: adoption
    type: charte
    title: La charte en plénière
    consigne: Relisons ensemble.
    settings:
      sections:
        - {id: objet, label: Objet}
"""


def test_another_charte_step_hides_the_other_groups_amendments(
    make_atelier: Any, make_animateur: Any, connect: Any
) -> None:
    r = formed_world(make_atelier, make_animateur, connect, SCRIPT)
    step, anim = r["step"], r["anim"]
    later = r["atelier"].steps[1].id
    assert act(anim, step, "phase", phase="redaction")["ok"]
    assert act(anim, step, "version_start")["ok"]
    clause = act(anim, step, "clause_add", client_id="clause-grp-01", section="objet",
                 text="Nous agissons ensemble.")  # fmt: skip
    assert clause["ok"], clause
    assert act(anim, step, "phase", phase="amendements")["ok"]
    ack = act(r["socks"]["Alice"], step, "amendment_propose", client_id="amend-grp-01",
              clause_id=clause["clause"]["id"], text="Nous agissons ensemble, chaque jour.",
              reason="Plus concret")  # fmt: skip
    assert ack["ok"], ack
    seen = snapshot(r["socks"][r["outsider"]])["activity"]
    assert seen[str(step)]["amendments"] == []
    assert seen[str(later)]["amendments"] == []
    mate = snapshot(r["socks"][r["mate"]])["activity"][str(later)]["amendments"]
    assert [a["id"] for a in mate] == [ack["amendment"]["id"]]
