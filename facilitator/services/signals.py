"""Domain signals sent by services after their transaction is committed (blinker)."""

from __future__ import annotations

from blinker import signal

#: sent by ``steering.close`` after commit, once per atelier, with the atelier id as sender.
atelier_closed = signal("atelier-closed")
