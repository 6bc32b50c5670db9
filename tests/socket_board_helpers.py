"""Shared by the board's socket tests (tests/test_socket_board_*.py, collected again on
PostgreSQL by tests/test_pg_board.py): adding a card over Socket.IO."""

from __future__ import annotations

from typing import Any


def add(sock: Any, step_id: int, text: str = "Une idée", column: str = "a", cid: str = "") -> Any:
    return sock.call(
        "card_add",
        {
            "step_id": step_id,
            "client_id": cid or f"c{abs(hash(text)) % 10**12:012d}",
            "text": text,
            "column": column,
        },
    )
