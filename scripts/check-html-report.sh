#!/usr/bin/env bash
# Render the sample assessment's HTML report in headless Chromium and check
# that the page loads without errors and that its charts are present.
#
#   bash scripts/check-html-report.sh [OUT_DIR]
#
# Needs Debian's chromium (apt-get install chromium). Writes report.html,
# report.png (a screenshot) and dom.html (the DOM as Chromium built it) to
# OUT_DIR (default: a temporary folder) and exits non-zero when the page has
# no charts or Chromium reports an error.
set -euo pipefail
out=${1:-$(mktemp -d)}
mkdir -p "$out"
python=${PYTHON:-python3}
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
  echo "chromium not found: apt-get install chromium" >&2
  exit 2
fi
"$python" -m servicemodel assess --sample --count 5000 --format html -o "$out/report.html"
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
       --disable-background-networking --disable-component-update --disable-sync
       --user-data-dir="$out/profile")
"$browser" "${flags[@]}" --window-size=1100,3000 --screenshot="$out/report.png" \
  "file://$out/report.html" 2> "$out/chromium.log"
"$browser" "${flags[@]}" --dump-dom "file://$out/report.html" > "$out/dom.html" 2>> "$out/chromium.log"
svgs=$(grep -o "<svg" "$out/dom.html" | wc -l)
polylines=$(grep -o "<polyline" "$out/dom.html" | wc -l)
echo "rendered $out/report.html: $svgs charts, $polylines lines; screenshot $out/report.png"
if grep -qiE "uncaught|SyntaxError|Refused to" "$out/chromium.log"; then
  echo "chromium reported errors:" >&2
  grep -iE "uncaught|SyntaxError|Refused to" "$out/chromium.log" >&2
  exit 1
fi
[ "$svgs" -ge 3 ] && [ "$polylines" -ge 2 ] && [ -s "$out/report.png" ]
