#!/usr/bin/env bash
# The README's demo command: install hailong into .venv, build a demo database in ./instance from the
# bundled questionnaires, and serve it on http://127.0.0.1:5000 (HAILONG_DEMO_PORT to change).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$here/venv.sh"
cd "$HAILONG_ROOT"
hailong demo --port "${HAILONG_DEMO_PORT:-5000}"
