#!/usr/bin/env bash
# Print the path of a Python 3.10 interpreter (Rasa Open Source 3.6 runs on 3.8-3.10 only).
#
# Looked for in this order, first match wins:
#   1. $PYTHON, when set (an explicit choice is never second-guessed, only checked)
#   2. python3.10 on PATH
#   3. python3 on PATH, if it is 3.10
#   4. the newest 3.10.x installed by pyenv (found even when pyenv is not on PATH)
# Every candidate is run once: a pyenv shim for a version that is not active exists on PATH
# but fails, so "exists" is not enough.
set -euo pipefail

is_py310() {
    "$1" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' >/dev/null 2>&1
}

resolve() {
    # Print the interpreter's real path so the venv does not depend on a shim.
    "$1" -c 'import sys; print(sys.executable)'
}

if [[ -n "${PYTHON:-}" ]]; then
    if is_py310 "$PYTHON"; then
        resolve "$PYTHON"
        exit 0
    fi
    echo "error: PYTHON=$PYTHON is not a working Python 3.10 interpreter." >&2
    exit 1
fi

for candidate in python3.10 python3; do
    if command -v "$candidate" >/dev/null 2>&1 && is_py310 "$candidate"; then
        resolve "$candidate"
        exit 0
    fi
done

pyenv_root="${PYENV_ROOT:-}"
if [[ -z "$pyenv_root" ]] && command -v pyenv >/dev/null 2>&1; then
    pyenv_root="$(pyenv root 2>/dev/null || true)"
fi
pyenv_root="${pyenv_root:-$HOME/.pyenv}"
if [[ -d "$pyenv_root/versions" ]]; then
    # Newest patch release first (3.10.13 before 3.10.9).
    while IFS= read -r version; do
        candidate="$pyenv_root/versions/$version/bin/python3.10"
        if [[ -x "$candidate" ]] && is_py310 "$candidate"; then
            resolve "$candidate"
            exit 0
        fi
    done < <(ls "$pyenv_root/versions" 2>/dev/null | grep -E '^3\.10\.[0-9]+$' | sort -t. -k3,3nr)
fi

cat >&2 <<'MSG'
error: Python 3.10 was not found (Rasa Open Source 3.6 needs Python 3.8-3.10; this project pins 3.10).
Install it with one of:
  - pyenv:          pyenv install 3.10.13        (https://github.com/pyenv/pyenv#installation)
  - Debian/Ubuntu:  sudo apt install python3.10 python3.10-venv
                    (on Ubuntu releases without it: sudo add-apt-repository ppa:deadsnakes/ppa first)
  - macOS:          brew install python@3.10
then run make again, or point to an interpreter explicitly: make run PYTHON=/path/to/python3.10
MSG
exit 1
