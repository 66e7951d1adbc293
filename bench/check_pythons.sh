#!/usr/bin/env bash
# The README's first set-up command on other Pythons: for each interpreter given (default: python3.12 and
# python3.13 from PATH or pyenv), a fresh clone of this repository's HEAD, `<python> -m pip install uv`, then
# `<python> -m uv run --frozen --python <python> ccperf run` and `ccperf score`. CI tests on the machine's Python;
# this script is how 3.12 and 3.13 are checked (result and date in docs/benchmarks.md).
#
#   bash bench/check_pythons.sh                       # python3.12 and python3.13
#   bash bench/check_pythons.sh ~/.pyenv/versions/3.13.0/bin/python3
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
export UV_PYTHON_DOWNLOADS=never PYTHONUNBUFFERED=1

find_python() {  # an interpreter that runs (a pyenv shim of a version not selected does not)
    local candidate pyenv_root="${PYENV_ROOT:-$HOME/.pyenv}"
    for candidate in "$(command -v "$1" 2>/dev/null)" \
        "$(ls -d "$pyenv_root"/versions/"${1#python}".*/bin/python3 2>/dev/null | sort -V | tail -1)"; do
        if [ -n "$candidate" ] && "$candidate" -c pass 2>/dev/null; then echo "$candidate"; return; fi
    done
}

if [ $# -eq 0 ]; then
    set -- "$(find_python python3.12)" "$(find_python python3.13)"
fi

status=0
for python in "$@"; do
    if [ -z "$python" ] || [ ! -x "$python" ]; then
        echo "SKIP: interpreter not found: '${python}'" >&2
        status=1
        continue
    fi
    version="$("$python" -c 'import platform; print(platform.python_version())')"
    work="$(mktemp -d)"
    git clone --quiet "$repo" "$work/ccperf"
    cd "$work/ccperf"
    start=$(date +%s)
    if "$python" -m pip install --quiet uv \
        && "$python" -m uv run --frozen --python "$python" ccperf run \
        && "$python" -m uv run --frozen --python "$python" ccperf score; then
        echo "OK: Python $version: ccperf run and ccperf score in $(( $(date +%s) - start )) s (set-up included)"
    else
        echo "FAILED: Python $version" >&2
        status=1
    fi
    cd "$repo"
    rm -rf "$work"
done
exit $status
