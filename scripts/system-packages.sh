#!/usr/bin/env bash
# Install the Debian packages the tests need (PostgreSQL server, Chromium, pango, poppler), only when they are missing.
set -euo pipefail
needed=()
[ -x /usr/lib/postgresql/15/bin/pg_ctl ] || needed+=(postgresql)
# Headless browser for tests/browser (Playwright drives it; never `playwright install`).
[ -x /usr/bin/chromium ] || needed+=(chromium)
# PDF reports: WeasyPrint lays out text with pango; the tests render pages with poppler's pdftoppm.
dpkg -s libpango-1.0-0 libpangoft2-1.0-0 >/dev/null 2>&1 || needed+=(libpango-1.0-0 libpangoft2-1.0-0)
[ -x /usr/bin/pdftoppm ] || needed+=(poppler-utils)
if [ "${#needed[@]}" -gt 0 ]; then
    if [ "$(id -u)" != 0 ]; then
        echo "missing Debian packages: ${needed[*]} (run as root or install them)" >&2
        exit 1
    fi
    echo "installing Debian packages: ${needed[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${needed[@]}" >/dev/null
fi
