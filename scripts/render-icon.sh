#!/usr/bin/env bash
# Renders media/icon-source.svg (drawn for this project) to the marketplace icon media/icon.png, 128x128 with a
# transparent background, with headless Chromium. Run after editing the SVG.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp media/icon-source.svg "$tmp/icon.svg"
echo '<html><body style="margin:0;background:transparent"><img src="icon.svg" width="128" height="128"></body></html>' > "$tmp/page.html"
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$tmp/profile" \
  --default-background-color=00000000 --window-size=128,128 --screenshot="$PWD/media/icon.png" "file://$tmp/page.html" 2>/dev/null
echo "wrote media/icon.png"
