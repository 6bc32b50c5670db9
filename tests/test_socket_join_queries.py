"""What a participant's connect reads: each row once. Authentication loads the participant
with its structure and keeps it for the snapshot that follows (``me``), instead of the
snapshot reading the participant, then its structure, again (docs/performance.md, joins)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event

from facilitator.extensions import db


def test_a_participant_s_connect_reads_them_once(
    live_atelier: dict[str, Any], connect: Any
) -> None:
    statements: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(" ".join(statement.split()))

    alice = live_atelier["alice"]
    assert alice.token_hash  # loaded now (the fixture's connects ended their transactions)
    engine = db.engine
    event.listen(engine, "before_cursor_execute", seen)
    try:
        db.session.remove()  # nothing loaded beforehand: the connect reads what it needs
        sock = connect("participant", live_atelier["atelier"], alice)
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    [sync] = [m["args"][0] for m in sock.received() if m["name"] == "sync"]
    me = sync["snapshot"]["me"]
    assert me["name"] == "Alice" and me["structure"]  # named, with the structure
    of_participant = [s for s in statements if s.startswith("SELECT") and "FROM participant " in s]
    alone_structure = [
        s for s in statements if s.startswith("SELECT") and "FROM structure WHERE" in s
    ]
    assert len(of_participant) == 1, of_participant
    assert alone_structure == []
