#!/usr/bin/env bash
# The runs behind docs/performance.md. Each appends JSON lines to bench/results/results.jsonl;
# `python -m bench.report` prints the medians as the Markdown tables of the doc.
# "before" = the server code of the last commit without this work, in a git worktree:
#   git worktree add --detach /tmp/facilitator-before <commit>
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
Q="--quiet-wait 30 --nice -10"
BEFORE=${BEFORE:-/tmp/facilitator-before}

# one atelier × N, 10 % posting at 0.5 Hz for 30 s
for n in 25 50 100 200; do $PY -m bench.run room --participants $n $Q --tag matrix; done
$PY -m bench.run room --participants 300 --repeat 3 $Q --tag matrix
$PY -m bench.run room --participants 500 --repeat 3 $Q --tag matrix
[ -d "$BEFORE" ] && $PY -m bench.run room --participants 300 --repeat 3 --code "$BEFORE" $Q --tag matrix
# several processes behind Redis, PostgreSQL (clients dealt across processes: websocket-only)
$PY -m bench.run room --participants 300 --server gunicorn --procs 2 --db postgres --repeat 3 $Q --tag matrix
$PY -m bench.run room --participants 300 --server gunicorn --procs 1 --db postgres $Q --tag matrix
$PY -m bench.run room --participants 300 --server gunicorn --worker gevent --db postgres $Q --tag matrix
# 40 ateliers × 25
$PY -m bench.run multi $Q --tag matrix
# vote burst, joins, restart
$PY -m bench.run votes --participants 300 --repeat 3 $Q --tag matrix
[ -d "$BEFORE" ] && $PY -m bench.run votes --participants 300 --code "$BEFORE" $Q --tag matrix
$PY -m bench.run join --participants 500 --repeat 3 $Q --tag matrix
$PY -m bench.run restart --participants 300 --repeat 3 $Q --tag matrix
