"""Domain signals sent by services after their transaction is committed (blinker)."""

from __future__ import annotations

from blinker import signal

#: sent by ``steering.close`` after commit, once per atelier, with the atelier id as sender.
atelier_closed = signal("atelier-closed")

#: sent after commit when what a closed atelier produced changes (a card marked as a
#: décision after the close…), with the atelier id as sender: documents written at close
#: are written again.
closed_atelier_changed = signal("closed-atelier-changed")

#: sent by ``retention.delete_cycle`` after commit, with the cycle id as sender and
#: ``atelier_ids``: what was stored outside the database for them (documents) goes too.
cycle_deleted = signal("cycle-deleted")
#: sent by ``merge.merge_participants`` after commit, with the merged (removed) participant
#: id as sender and ``into`` the kept one: open connections of the removed one continue as
#: the kept one (realtime/handlers.py).
participant_merged = signal("participant-merged")
#: sent by ``team.remove`` after commit, with the cycle id as sender, ``animateur_id`` (who
#: left the team) and ``atelier_ids``: their open consoles and read-only boards of the
#: cycle are disconnected (realtime/handlers.py).
team_member_removed = signal("team-member-removed")
#: sent by ``identity.reset_code`` after commit, with the participant id as sender: their
#: open connections on this process are closed (realtime/handlers.py; other processes
#: close theirs when the ``participant.revoked`` event reaches them).
participant_revoked = signal("participant-revoked")
