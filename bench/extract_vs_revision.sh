#!/usr/bin/env bash
# Extraction throughput of this checkout against an earlier revision, measured in turns in one run, so that the
# machine's load weighs on both alike: bash bench/extract_vs_revision.sh REV [ROUNDS]
# Each round runs bench/extract_throughput.py of REV (from a temporary worktree), then of this checkout, on this
# checkout's data/raw; prints both figures, their ratio, and the median ratio.
set -euo pipefail
rev=${1:?usage: extract_vs_revision.sh REV [ROUNDS]}
rounds=${2:-5}
root=$(cd "$(dirname "$0")/.." && pwd)
python="$root/.venv/bin/python"
tmp=$(mktemp -d)
trap 'git -C "$root" worktree remove --force "$tmp/rev" >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT
git -C "$root" worktree add --quiet --detach "$tmp/rev" "$rev"

mbps() {  # the total MB/s of one bench run (the bold figure of its last line)
  "$python" "$1/bench/extract_throughput.py" "$root/data/raw" | tail -1 | sed -E 's/.*\*\*([0-9.]+)\*\*.*/\1/'
}

ratios=()
for round in $(seq "$rounds"); do
  old=$(mbps "$tmp/rev")
  new=$(mbps "$root")
  ratio=$("$python" -c "print(f'{$new / $old:.2f}')")
  ratios+=("$ratio")
  echo "round $round: $rev $old MB/s, this checkout $new MB/s, ratio $ratio"
done
"$python" -c "import statistics, sys; print('median ratio', statistics.median(map(float, sys.argv[1:])))" "${ratios[@]}"
