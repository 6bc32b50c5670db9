#!/usr/bin/env bash
# Interleaved before/after runs of one scenario, so that both see the same load on a shared
# machine: before, after, before, after…  (docs/performance.md, "Method")
#   BEFORE=/tmp/base AFTER=/tmp/after bench/ab.sh TAG REPEAT SCENARIO [bench.run options]
# e.g. bench/ab.sh ab 3 votes --participants 300
# BEFORE: a git worktree of the commit under comparison (git worktree add /tmp/base HEAD);
# AFTER: a copy of it with the changed files only (others may be editing the working tree).
set -euo pipefail
cd "$(dirname "$0")/.."
TAG=$1
REPEAT=$2
shift 2
for _ in $(seq 1 "$REPEAT"); do
  for code in "${BEFORE:?}" "${AFTER:?}"; do
    timeout 900 .venv/bin/python -m bench.run "$@" --rt --code "$code" --tag "$TAG"
  done
done
