#!/usr/bin/env bash
# Subset Noto Sans (Debian fonts-noto-core) to the Latin and Vietnamese glyphs the kiosk shows, as
# WOFF2, so the kiosk has every Vietnamese diacritic offline within its 150 KB first-load budget.
# Run by hand when the character set changes; the result is committed (kiosk/static/fonts/).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
python="${PYTHON:-$here/.venv/bin/python}"
source_dir="${NOTO_DIR:-/usr/share/fonts/truetype/noto}"
out="$here/kiosk/static/fonts"
# Basic Latin, Latin-1, the Vietnamese letters outside them (Ă Đ Ĩ Ũ Ơ Ư), the combining tone marks,
# Latin Extended Additional's Vietnamese block, the dong sign, dashes and quotes, and the arrow.
unicodes="U+0020-007E,U+00A0-00FF,U+0102-0103,U+0110-0111,U+0128-0129,U+0168-0169,U+01A0-01A1,\
U+01AF-01B0,U+0300-0301,U+0303,U+0309,U+0323,U+1EA0-1EF9,U+20AB,U+2013-2014,U+2018-201D,U+2026,U+2190,U+2192"
for weight in Regular Bold; do
    "$python" -m fontTools.subset "$source_dir/NotoSans-$weight.ttf" --unicodes="$unicodes" \
        --flavor=woff2 --layout-features='kern,liga,ccmp,mark,mkmk' --no-hinting \
        --desubroutinize --output-file="$out/NotoSans-$weight-vi.woff2"
done
ls -l "$out"/*.woff2
