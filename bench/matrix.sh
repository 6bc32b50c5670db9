#!/usr/bin/env bash
# The runs behind docs/performance.md. Each appends JSON lines to bench/results/results.jsonl;
# `python -m bench.report --tag matrix` prints the medians as the Markdown tables of the doc.
# "before" = the server code of the commit before this work, in a git worktree:
#   git worktree add --detach /tmp/facilitator-before b644931
# --rt: server and load generator under SCHED_RR, so that other jobs sharing this 2-core
# machine take only the CPU they leave (root; see docs/performance.md).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
BEFORE=${BEFORE:-/tmp/facilitator-before}
# "after" = a copy of the tree under test (others may edit the working tree meanwhile):
#   mkdir /tmp/facilitator-after && tar --exclude=./.venv --exclude=./.git -cf - . | tar -xf - -C /tmp/facilitator-after
AFTER=${AFTER:-}
O="--rt --tag ${TAG:-matrix}"
A="${AFTER:+--code $AFTER} $O"

# one atelier × N, 10 % posting at 0.5 Hz for 30 s
for n in 25 50 100 200; do $PY -m bench.run room --participants $n $A; done
$PY -m bench.run room --participants 300 --repeat 3 $A
$PY -m bench.run room --participants 500 --repeat 3 $A
if [ -d "$BEFORE" ]; then
  $PY -m bench.run room --participants 300 --repeat 3 --code "$BEFORE" $O
fi
# several processes behind Redis, on PostgreSQL (clients dealt across processes: websocket-only)
$PY -m bench.run room --participants 300 --server gunicorn --procs 2 --db postgres --repeat 3 $A
$PY -m bench.run room --participants 300 --server gunicorn --procs 1 --db postgres $A
$PY -m bench.run room --participants 300 --server gunicorn --worker gevent --db postgres $A
$PY -m bench.run room --participants 300 --client python-socketio $A
# 40 ateliers × 25
$PY -m bench.run multi $A
# vote burst, joins, restart
$PY -m bench.run votes --participants 300 --repeat 3 $A
if [ -d "$BEFORE" ]; then
  $PY -m bench.run votes --participants 300 --code "$BEFORE" $O
  $PY -m bench.run join --participants 500 --code "$BEFORE" $O
fi
$PY -m bench.run join --participants 500 --repeat 3 $A
$PY -m bench.run restart --participants 300 --repeat 3 $A

# Round 2 (group commit, snapshot cache, index, Core card insert): interleaved before/after
# in the same session (bench/ab.sh alternates the two trees run by run), tag ab3:
#   git worktree add /tmp/base2 HEAD; copy it to /tmp/after2 and put the changed files in
if [ -n "${AB_BEFORE:-}" ] && [ -n "${AB_AFTER:-}" ]; then
  export BEFORE=$AB_BEFORE AFTER=$AB_AFTER
  T=${AB_TAG:-ab3}
  bench/ab.sh "$T" 3 votes --participants 300
  bench/ab.sh "$T" 2 votes --participants 300 --server gunicorn --db postgres
  bench/ab.sh "$T" 3 join --participants 500
  bench/ab.sh "$T" 2 join --participants 500 --cards 300
  bench/ab.sh "$T" 3 restart --participants 300
  bench/ab.sh "$T" 3 room --participants 300
  bench/ab.sh "$T" 2 room --participants 500
  bench/ab.sh "$T" 1 votes --participants 300 --server gunicorn --procs 2 --db postgres
fi
