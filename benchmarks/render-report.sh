#!/usr/bin/env bash
# Renders a search report (report.html and its SVGs) to PNG with headless Chromium, to look at what a person sees.
# Needs Debian's chromium (apt-get install chromium). Usage: bash benchmarks/render-report.sh <study-dir> [out.png]
set -euo pipefail
dir=${1:?usage: render-report.sh <study-dir> [out.png]}
out=${2:-$dir/report/report.png}
html=$(cd "$dir/report" && pwd)/report.html
[ -f "$html" ] || { echo "no report at $html (run: npm run frnas -- report $dir)" >&2; exit 1; }
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1200,1400 --screenshot="$out" "file://$html" 2>/dev/null
echo "wrote $out"
