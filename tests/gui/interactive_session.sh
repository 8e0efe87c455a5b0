#!/usr/bin/env bash
# The session of interactive_test.sh, run inside its X server. Every wait is bounded.
set -euo pipefail
gui="$1"
out="$2"
here="$3"
ui="$out/ui.json"
cd "$out"
"$gui" ch4-lazy-pirate --until 2.5s --layout-json "$ui" >"$out/gui.log" 2>&1 &
gui_pid=$!
trap 'kill "$gui_pid" 2>/dev/null || true; wait "$gui_pid" 2>/dev/null || true' EXIT

# query EXPR: evaluates a Python expression over the window's state `s` (ui.json).
query() {
    python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' \
        "$ui" "$1" 2>/dev/null || echo ""
}
# wait_for WHAT EXPR: up to 60 s for EXPR to be True.
wait_for() {
    for _ in $(seq 1 600); do
        if [ -f "$ui" ] && [ "$(query "$2")" = "True" ]; then return 0; fi
        if ! kill -0 "$gui_pid" 2>/dev/null; then
            echo "FAIL: sculpin-gui exited while waiting for $1" >&2
            cat "$out/gui.log" >&2
            exit 1
        fi
        sleep 0.1
    done
    echo "FAIL: timed out waiting for $1" >&2
    [ -f "$ui" ] && cat "$ui" >&2
    exit 1
}
# click_at X Y BUTTON: in window coordinates.
window=""
click_at() {
    xdotool mousemove --window "$window" "$1" "$2"
    sleep 0.3
    xdotool click "$3"
    sleep 0.3
}
# press KEY...: holds each key for a few frames. ImGui 1.86 reads key state once per frame,
# so a press and release inside one frame (xdotool key) would never be seen.
press() {
    xdotool keydown "$@"
    sleep 0.3
    xdotool keyup "$@"
    sleep 0.3
}
centre() {  # centre KIND NAME -> "x y" of a node box or a widget
    if [ "$1" = node ]; then
        query "' '.join(str(int((n['x0']+n['x1'])/2)) + ' ' + str(int((n['y0']+n['y1'])/2)) for n in s['nodes'] if n['name']=='$2')"
    else
        query "(lambda r: str(int((r['x0']+r['x1'])/2)) + ' ' + str(int((r['y0']+r['y1'])/2)))(s['widgets']['$2'])"
    fi
}

wait_for "the first frames" "s['time_ns'] == 2500000000 and len(s['nodes']) == 2 and 'until' in s['widgets']"
window="$(xdotool search --sync --limit 1 --name 'Sculpin')"

# Right-click the server, choose Crash.
read -r x y <<<"$(centre node server)"
click_at "$x" "$y" 3
wait_for "the node menu" "'Crash' in s['widgets']"
read -r x y <<<"$(centre widget Crash)"
click_at "$x" "$y" 1
wait_for "the crash in the fault plan" \
    "[(f['kind'], f['node'], f['at_ms']) for f in s['faults']] == [('crash', 'server', 2500)]"

# Run until 9 s: select the box's text, type, Enter.
read -r x y <<<"$(centre widget until)"
click_at "$x" "$y" 1
press ctrl+a
press BackSpace
xdotool type --delay 150 9s
sleep 0.3
press Return
wait_for "t = 9 s" "s['time_ns'] == 9000000000"

# The client timed out and retried; the narration says so.
wait_for "the narration of a retry" "any('retry' in line for line in s['narration'])"

# F12: the screenshot, named after the scenario and the time.
xdotool mousemove --window "$window" 5 500
press F12
png="$out/ch4-lazy-pirate-9000ms.png"
wait_for "the screenshot" "s['status'] == 'screenshot saved to ch4-lazy-pirate-9000ms.png'"
[ -f "$png" ] || { echo "FAIL: $png is missing" >&2; exit 1; }
python3 "$here/check_screenshot.py" "$png" "$ui" "$here/../../scenarios/ch4-lazy-pirate.json"
echo "interactive session: crash injected by right-click, retries narrated, screenshot checked"
