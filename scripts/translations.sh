#!/usr/bin/env bash
# Refresh the interface translations: extract messages, merge them into the catalogues, compile.
# Translate new entries in survey/translations/<lang>/LC_MESSAGES/messages.po, then run this again.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
pybabel extract -F babel.cfg -k _l -o survey/translations/messages.pot --no-location --omit-header .
pybabel update -i survey/translations/messages.pot -d survey/translations --no-fuzzy-matching
pybabel compile -d survey/translations --statistics
