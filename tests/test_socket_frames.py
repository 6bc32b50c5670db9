"""Unreadable Socket.IO frames and over-size long-polling POSTs (issue 20, items 5 and 7):
an error ack when the frame carries an ack id, the connection closed after a few errors,
one log line per connection, 413 for a long-polling body over 64 KB."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.live import LiveServer

UNREADABLE = [
    '7["card_add", {"text": ',  # invalid JSON
    "7" + "[" * 30_000 + "]" * 30_000,  # nesting deeper than the decoder goes
    '7["sync", ' + "9" * 5_000 + "]",  # a number with more digits than Python reads
    '7{"not": "a list"}',
    "7[]",
]


def _raw(sock: Any, frame: str) -> Any:
    """Send a Socket.IO EVENT frame as it came off the wire; return the ack received."""
    client = sock.client
    client.acks = None
    client.socketio.server._handle_eio_message(client.eio_sid, "2" + frame)
    return client.acks["args"][0] if client.acks else None


@pytest.mark.parametrize("frame", UNREADABLE, ids=["json", "nesting", "digits", "object", "empty"])
def test_an_unreadable_frame_with_an_ack_id_gets_an_error_ack(
    live_atelier: dict[str, Any], frame: str
) -> None:
    a = live_atelier["a"]
    ack = _raw(a, frame)
    assert ack == {
        "ok": False,
        "error": {"code": "malformed", "message_fr": ack["error"]["message_fr"]},
    }
    assert "illisible" in ack["error"]["message_fr"]
    assert a.connected and a.call("sync", {"last_seq": 0})["ok"]  # the connection still works


def test_an_authenticated_connection_is_closed_after_too_many_errors(
    live_atelier: dict[str, Any],
) -> None:
    from facilitator.realtime.frames import ERRORS_PER_MINUTE

    a, b = live_atelier["a"], live_atelier["b"]
    for _ in range(ERRORS_PER_MINUTE):
        assert _raw(a, "7[oops")["error"]["code"] == "malformed"
    assert a.connected
    _raw(a, "7[oops")
    assert not a.connected
    assert b.connected and b.call("sync", {"last_seq": 0})["ok"]  # the others are untouched


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = LiveServer(tmp_path_factory.mktemp("frames")).start()
    yield live
    live.stop()


def _polling_session(server: LiveServer) -> str:
    base = server.url + "/socket.io/?EIO=4&transport=polling"
    sid = json.loads(requests.get(base, timeout=5).text[1:])["sid"]
    return base + "&sid=" + sid


@pytest.mark.live
def test_an_unauthenticated_socket_sending_garbage_is_closed_and_logged_once(
    server: LiveServer,
) -> None:
    from facilitator.realtime.frames import UNAUTHENTICATED_ERRORS

    start = server.log.stat().st_size
    url = _polling_session(server)
    refused = requests.post(url, data='40{"token": "forged"}', timeout=5)
    assert refused.status_code == 200 and "unauthenticated" in requests.get(url, timeout=5).text
    answers = [
        requests.post(url, data="42[oops" + "x" * i, timeout=5).status_code for i in range(200)
    ]
    assert answers[:UNAUTHENTICATED_ERRORS] == [200] * UNAUTHENTICATED_ERRORS
    assert set(answers[UNAUTHENTICATED_ERRORS:]) == {400}  # closed: "invalid session"
    log = server.log.read_text()[start:]
    assert "Traceback" not in log
    assert log.count("unreadable Socket.IO frame") == 1
    assert len(log.encode()) < 2000


@pytest.mark.live
def test_an_over_size_long_polling_post_gets_413(server: LiveServer) -> None:
    url = _polling_session(server)
    r = requests.post(url, data="4" + "x" * (70 * 1024), timeout=5)
    assert r.status_code == 413 and "64 Ko" in r.text
    small = requests.post(url, data='40{"token": "forged"}', timeout=5)
    assert small.status_code == 200  # the session is still there for ordinary messages


def test_the_guard_refuses_an_unreadable_length(tmp_path: Path) -> None:
    from facilitator.realtime.frames import PollingSizeGuard

    seen: list[str] = []

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response("200 OK", [])
        return [b"ok"]

    guard = PollingSizeGuard(app, 10, "socket.io")
    for length, path in (("x", "/socket.io/"), ("11", "/socket.io/"), ("11", "/connexion")):
        environ = {"REQUEST_METHOD": "POST", "PATH_INFO": path, "CONTENT_LENGTH": length}
        guard(environ, lambda status, headers: seen.append(status))
    assert seen == ["413 Request Entity Too Large"] * 2 + ["200 OK"]
