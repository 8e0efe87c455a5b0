#!/usr/bin/env bash
# Drives the real window under Xvfb with xdotool, as a learner would in issue 12: open
# Lazy Pirate at 2.5 s, right-click the server and choose Crash, type 9s into "run until",
# press F12 for a screenshot. Then checks that the crash entered the fault plan at 2.5 s,
# that the narration tells of the client's retries, and that the screenshot is a picture
# of both nodes. Where to click comes from the window itself (--layout-json), never from
# guessed coordinates. Exit 77 (ctest: skipped) when xvfb-run or xdotool is missing.
set -euo pipefail
gui="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
out="$2"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
for tool in xvfb-run xdotool; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "$tool is not installed: skipping" >&2
        exit 77
    fi
done
mkdir -p "$out"
out="$(cd "$out" && pwd)"
rm -f "$out"/ui.json "$out"/*.png
export LIBGL_ALWAYS_SOFTWARE=1
exec xvfb-run -a -s "-screen 0 1600x1000x24" bash "$here/interactive_session.sh" "$gui" "$out" \
    "$here"
