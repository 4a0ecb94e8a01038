#!/usr/bin/env bash
# Render the sample assessment's HTML report in headless Chromium at a phone's
# width (400 px) and a desktop's (1280 px), screenshot both, and check in the
# laid-out page that nothing is wider than the window and that every chart
# names the unit of both axes.
#
#   bash scripts/check-html-report.sh [OUT_DIR]
#
# Needs Debian's chromium (apt-get install chromium). Writes report.html,
# report-400.png, report-1280.png (for a person to look at) and the measured
# results (check-400.txt, check-1280.txt) to OUT_DIR (default: a temporary
# folder). Exits non-zero when a check fails or Chromium reports an error.
set -euo pipefail
out=${1:-$(mktemp -d)}
mkdir -p "$out"
out=$(cd "$out" && pwd)
python=${PYTHON:-python3}
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
  echo "chromium not found: apt-get install chromium" >&2
  exit 2
fi
"$python" -m servicemodel assess --sample --count 5000 --format html -o "$out/report.html"

# The probe page shows the report in a frame exactly WIDTH px wide (headless
# Chromium lays a window out at no less than 500 px), measures the laid-out
# report and writes what it found into itself, which --dump-dom then prints.
probe='<script>
const frame = document.getElementById("report");
frame.addEventListener("load", () => {
  const doc = frame.contentDocument;
  const width = doc.documentElement.clientWidth;
  const found = [];
  if (doc.documentElement.scrollWidth > width)
    found.push("the page scrolls sideways: " + doc.documentElement.scrollWidth + " > " + width);
  for (const el of doc.querySelectorAll("h1,h2,p,ol,figure,svg,.scroll,pre,table")) {
    if (el.tagName === "TABLE" && el.closest(".scroll")) continue;  // it scrolls inside its box
    const right = el.getBoundingClientRect().right;
    if (right > width + 0.5) found.push(el.tagName.toLowerCase() + " ends at " + Math.round(right) + " px");
  }
  const charts = doc.querySelectorAll("svg.chart");
  charts.forEach((svg) => {
    const name = svg.getAttribute("aria-label");
    for (const axis of ["y-unit", "x-title"]) {
      const text = svg.querySelector("text." + axis);
      if (!text || !text.textContent.trim()) found.push(name + ": no " + axis);
    }
  });
  const out = document.createElement("pre");
  out.id = "layout-check";
  out.textContent = "width " + width + "; charts " + charts.length + "\n" +
    (found.length ? found.map((f) => "FAIL " + f).join("\n") : "OK");
  document.body.append(out);
});
</script>'
make_probe() {
  PROBE="$probe" "$python" -c '
import html, os, sys
page = open(sys.argv[1], encoding="utf-8").read()
frame = (f"<iframe id=\"report\" style=\"width:{sys.argv[2]}px;height:4000px;border:0\" "
         f"srcdoc=\"{html.escape(page)}\"></iframe>")
print("<!DOCTYPE html><html><body style=\"margin:0\">" + frame + os.environ["PROBE"] + "</body></html>")
' "$out/report.html" "$1" > "$out/probe-$1.html"
}

flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
       --disable-background-networking --disable-component-update --disable-sync
       --hide-scrollbars)
status=0
for width in 400 1280; do
  "$browser" "${flags[@]}" --user-data-dir="$out/profile-$width" --window-size="$width,6000" \
    --screenshot="$out/report-$width.png" "file://$out/report.html" 2>> "$out/chromium.log"
  make_probe "$width"
  "$browser" "${flags[@]}" --user-data-dir="$out/profile-$width" --window-size=1400,900 \
    --dump-dom "file://$out/probe-$width.html" 2>> "$out/chromium.log" \
    | "$python" -c '
import html, re, sys
found = re.search(r"<pre id=\"layout-check\">(.*?)</pre>", sys.stdin.read(), re.S)
print(html.unescape(found.group(1)) if found else "FAIL the probe did not run")
' > "$out/check-$width.txt"
  echo "== $width px: $out/report-$width.png"
  cat "$out/check-$width.txt"
  if ! grep -q "^OK$" "$out/check-$width.txt" || ! grep -q "^width $width;" "$out/check-$width.txt"; then
    status=1
  fi
  if ! grep -qE "charts ([3-9]|[1-9][0-9])" "$out/check-$width.txt"; then
    echo "FAIL fewer than 3 charts" >&2
    status=1
  fi
done
if grep -qiE "uncaught|SyntaxError|Refused to" "$out/chromium.log"; then
  echo "chromium reported errors:" >&2
  grep -iE "uncaught|SyntaxError|Refused to" "$out/chromium.log" >&2
  status=1
fi
rm -rf "$out"/profile-*
exit "$status"
