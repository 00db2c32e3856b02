#!/usr/bin/env bash
# Runs bench/extract-gpu.ts on a machine with a real GPU: the user's Chrome/Chromium with hardware GL (ANGLE's
# default backend) instead of SwiftShader. Run from the project root, with ../shared/corpus present:
#   bash bench/gpu-real.sh [--headed] [--rounds 3] [--sizes 1,4,16] [--pages N]
# Headless Chrome may fall back to software GL on some drivers; the table's "gpu:" line names the renderer WebGL
# reports, so check it. If it still says SwiftShader, run with --headed from a desktop session.
# Set ARCHIVESTREAM_CHROMIUM to pick the browser; otherwise the first of these found is used.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ -z "${ARCHIVESTREAM_CHROMIUM:-}" ]]; then
  for candidate in google-chrome google-chrome-stable chromium chromium-browser \
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome" "/Applications/Chromium.app/Contents/MacOS/Chromium"; do
    if command -v "$candidate" >/dev/null 2>&1; then
      ARCHIVESTREAM_CHROMIUM="$(command -v "$candidate")"
      break
    elif [[ -x "$candidate" ]]; then
      ARCHIVESTREAM_CHROMIUM="$candidate"
      break
    fi
  done
fi
if [[ -z "${ARCHIVESTREAM_CHROMIUM:-}" ]]; then
  echo "no Chrome or Chromium found: install one, or set ARCHIVESTREAM_CHROMIUM to its binary" >&2
  exit 2
fi
export ARCHIVESTREAM_CHROMIUM
echo "browser: $ARCHIVESTREAM_CHROMIUM ($("$ARCHIVESTREAM_CHROMIUM" --version 2>/dev/null || echo 'version unknown'))"
# the bench reads the first occurrence of a flag: the caller's come first, the defaults after
exec npx tsx bench/extract-gpu.ts --hardware "$@" --rounds 3
