# Sourced by demo.sh and test.sh: create the project's virtual environment and install hailong into it.
# Usage: . scripts/venv.sh [EXTRAS]
set -euo pipefail
HAILONG_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
HAILONG_VENV="${HAILONG_VENV:-$HAILONG_ROOT/.venv}"
PYTHON="${PYTHON:-python3}"
if [ ! -x "$HAILONG_VENV/bin/python" ]; then
    "$PYTHON" -m venv "$HAILONG_VENV"
fi
"$HAILONG_VENV/bin/python" -m pip install --quiet --upgrade pip
extras="${1:-}"
if [ -n "$extras" ]; then
    "$HAILONG_VENV/bin/python" -m pip install --quiet -e "$HAILONG_ROOT[$extras]"
else
    "$HAILONG_VENV/bin/python" -m pip install --quiet -e "$HAILONG_ROOT"
fi
export PATH="$HAILONG_VENV/bin:$PATH"
