#!/usr/bin/env bash
# Two trees of the product and the floor relay of ../shared/fanout-bench, strictly alternated
# (before, after, floor, before, after, floor…): compare.sh's method (a fresh SQLite store per
# run made by bench/setup.py, run.py, the same bench.js options), with the product measured
# WARM (run.py loads the personal-data model before it listens; the script also waits until
# the server's RSS settles). One JSON line per run in OUT; `node …/report.js OUT` sums up.
#
# usage: bench/floor_ab.sh BEFORE_TREE AFTER_TREE [N=300] [RUNS=3] [MODE=steady] [OUT]
#   each tree is a checkout with its own .venv (e.g. `git worktree add /tmp/before <commit>`)
set -uo pipefail
BEFORE=$(realpath "$1"); AFTER=$(realpath "$2")
N=${3:-300}; RUNS=${4:-3}; MODE=${5:-steady}; OUT=$(realpath -m "${6:-floor_ab.jsonl}")
FB=${FANOUT_BENCH:-$(realpath "$(dirname "$0")/../../shared/fanout-bench")}
PP=${PRODUCT_PORT:-5140}; FP=${FLOOR_PORT:-5141}
[[ -d $FB/node_modules/socket.io ]] || (cd "$FB" && npm ci --silent)
WORK=$(mktemp -d); trap 'kill ${SPID:-} 2>/dev/null || true; rm -rf "$WORK"' EXIT
wait_up() { for _ in $(seq 1 600); do curl -s -o /dev/null -m 1 "$1" && return 0; kill -0 "$2" 2>/dev/null || return 1; sleep 0.1; done; return 1; }
rss() { awk '/VmRSS/{print $2}' "/proc/$1/status"; }
settle() { # until the RSS grew by less than 1 MB for 3 s
  local last since now; last=$(rss "$1"); since=$SECONDS
  for _ in $(seq 1 600); do
    sleep 0.5; now=$(rss "$1")
    if (( now > last + 1024 )); then last=$now; since=$SECONDS; fi
    (( SECONDS - since >= 3 )) && return 0
  done
}
run() { # kind tree round
  local kind=$1 tree=$2 r=$3 dir=$WORK/$1-$3 url adapter; mkdir -p "$dir/instance"
  if [[ $kind != floor ]]; then
    (cd "$tree" && FACILITATOR_INSTANCE=$dir/instance SEED_DEMO=0 LOG_LEVEL=WARNING \
      .venv/bin/python -m bench.setup "$dir/data.json" --participants "$N" >/dev/null)
    export FB_FAC_DATA=$dir/data.json
    (cd "$tree" && FACILITATOR_INSTANCE=$dir/instance SEED_DEMO=0 LOG_LEVEL=WARNING \
      HOST=127.0.0.1 PORT=$PP exec .venv/bin/python run.py >"$dir/server.log" 2>&1) &
    SPID=$!; url=http://127.0.0.1:$PP; adapter=$FB/adapters/facilitator.js
    wait_up "$url/socket.io/?EIO=4&transport=polling" $SPID && settle $SPID
  else
    node "$FB/reference/floor-server.js" "$FP" >"$dir/server.log" 2>&1 &
    SPID=$!; url=http://127.0.0.1:$FP; adapter=$FB/adapters/floor.js
    wait_up "$url/socketio/?EIO=4&transport=polling" $SPID
  fi
  sleep 1
  echo "$(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg) $kind r$r"
  (cd "$FB" && node bench.js --adapter "$adapter" --url "$url" --n "$N" --mode "$MODE" \
     --server-pid $SPID --label "$kind-N$N-$MODE-r$r" --out "$OUT" | tail -1)
  kill $SPID; wait $SPID 2>/dev/null; sleep 0.5
}
for r in $(seq 1 "$RUNS"); do
  run before "$BEFORE" "$r"; run after "$AFTER" "$r"; run floor - "$r"
done
