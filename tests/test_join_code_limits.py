"""Join-code guessing (issue 20, item 2): limits kept on the server, per browser session,
per code and for everyone, that no cookie can reset; never per IP address."""

from __future__ import annotations

import html
from typing import Any

from facilitator.models import Atelier


def _try(client: Any, code: str) -> int:
    return int(client.post("/rejoindre", data={"code": code}).status_code)


def _text(response: Any) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_resending_the_first_cookie_does_not_reset_the_limit(
    client: Any, make_atelier: Any
) -> None:
    atelier: Atelier = make_atelier()
    _try(client, "QQQQQQ")
    first_cookie = client.get_cookie("session").value  # the browser's first session cookie
    statuses = []
    for i in range(8):
        client.set_cookie("session", first_cookie)  # the probe's bypass
        statuses.append(_try(client, f"QQQQQ{'ACDEFGHJ'[i]}"))
    assert statuses[:4] == [404] * 4 and set(statuses[4:]) == {429}
    client.set_cookie("session", first_cookie)
    r = client.post("/rejoindre", data={"code": atelier.join_code})
    assert r.status_code == 429 and "patientez" in _text(r)
    # another browser behind the same IP address is not blocked
    assert _try(client.application.test_client(), atelier.join_code) == 302


def test_one_code_cannot_be_hammered_from_many_sessions(client: Any) -> None:
    app = client.application
    statuses = [_try(app.test_client(), "QQQQQQ") for _ in range(12)]
    assert statuses[:10] == [404] * 10 and set(statuses[10:]) == {429}
    assert _try(app.test_client(), "QQQQQR") == 404  # another code is still answered


def test_the_global_budget_sends_everyone_to_the_link(client: Any, make_atelier: Any) -> None:
    atelier: Atelier = make_atelier()
    app = client.application
    alphabet = "ACDEFGHJKMNPQRTUVWXY34679"
    codes = [f"QQQQ{a}{b}" for a in alphabet for b in alphabet[:3]][:61]
    statuses = [_try(app.test_client(), code) for code in codes]  # fresh session each time
    assert statuses[:60] == [404] * 60 and statuses[60] == 429
    r = app.test_client().post("/rejoindre", data={"code": atelier.join_code})
    assert r.status_code == 429 and "utilisez le lien ou le QR code" in _text(r)
    # the link itself still works
    assert app.test_client().get(f"/rejoindre/{atelier.link_token}").status_code == 200


def test_successful_joins_do_not_count(client: Any, make_atelier: Any) -> None:
    atelier: Atelier = make_atelier()
    app = client.application
    assert {_try(app.test_client(), atelier.join_code) for _ in range(40)} == {302}
    assert {_try(client, atelier.join_code) for _ in range(12)} == {302}


def test_with_redis_every_process_counts_together(tmp_path: Any, migrated_db: Any) -> None:
    """Two apps on one Redis (two processes of a deployment): the failures seen by the
    first count for the second. With the memory storage each would count alone."""
    import shutil

    from bench import servers
    from facilitator import create_app
    from facilitator.extensions import db
    from tests.conftest import _config
    from tests.test_scale_out import need

    redis = need(lambda: servers.Redis().start())
    try:
        shutil.copy(migrated_db, tmp_path / "test.db")
        config = {**_config(tmp_path), "REDIS_URL": redis.url}
        first = create_app(config)
        with first.app_context():
            assert [_try(first.test_client(), "QQQQQQ") for _ in range(10)] == [404] * 10
            db.engine.dispose()
        second = create_app(config)
        with second.app_context():
            assert _try(second.test_client(), "QQQQQQ") == 429
            db.engine.dispose()
    finally:
        redis.stop()
