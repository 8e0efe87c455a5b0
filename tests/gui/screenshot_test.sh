#!/usr/bin/env bash
# Opens every built-in scenario in sculpin-gui under Xvfb, runs it to the middle of its
# run, saves a PNG, and checks the picture (tests/gui/check_screenshot.py): a real image,
# not blank, and each of the scenario's nodes drawn as a box where the GUI says it is.
# Exit 77 (ctest: skipped) when xvfb-run is missing.
#
#   screenshot_test.sh SCULPIN_GUI OUT_DIR [SCENARIO]   (only SCENARIO when given)
set -euo pipefail
gui="$1"
out="$2"
only="${3:-}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
scenarios="${SCULPIN_SCENARIO_DIR:-$here/../../scenarios}"
if ! command -v xvfb-run >/dev/null 2>&1; then
    echo "xvfb-run is not installed: skipping" >&2
    exit 77
fi
mkdir -p "$out"
export LIBGL_ALWAYS_SOFTWARE=1
status=0
files=("$scenarios"/*.json)
if [ -n "$only" ]; then
    files=("$scenarios/$only.json")
fi
for file in "${files[@]}"; do
    name="$(basename "$file" .json)"
    duration_ms="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["duration_ms"])' "$file")"
    until_ms=$((duration_ms / 2))
    png="$out/$name.png"
    layout="$out/$name.layout.json"
    rm -f "$png" "$layout"
    rc=0
    xvfb-run -a -s "-screen 0 1600x1000x24" "$gui" "$name" --until "${until_ms}ms" \
        --screenshot "$png" --layout-json "$layout" || rc=$?
    if [ "$rc" -eq 2 ]; then
        # The file does not load (the catalog tests report that); nothing to draw.
        echo "SKIP $name: the scenario does not load" >&2
        continue
    fi
    if [ "$rc" -ne 0 ]; then
        echo "FAIL $name: sculpin-gui exited with $rc" >&2
        status=1
        continue
    fi
    if ! python3 "$here/check_screenshot.py" "$png" "$layout" "$file"; then
        status=1
    fi
done
exit "$status"
