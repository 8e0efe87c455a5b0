#!/usr/bin/env bash
# Drop-in check: hwserver/hwclient were built against Debian's libzmq (-lzmq, its zmq.h)
# and know nothing of Sculpin. With LD_LIBRARY_PATH=<compat> they load Sculpin's
# libzmq.so.5 instead; each pairing of libraries must complete the exchange.
#   hello_world_test.sh <hwserver> <hwclient> <compat-dir>
set -euo pipefail
server=$1 client=$2 compat=$(cd "$3" && pwd)
requests=10

# The dynamic loader really picks Sculpin's library with the variable, Debian's without.
# (ldd's output is captured first: `ldd | grep -q` under pipefail fails at random when grep
# exits at its match and ldd, still writing, dies of SIGPIPE.)
with_compat=$(LD_LIBRARY_PATH="$compat" ldd "$client")
without_compat=$(ldd "$client")
grep -q "libzmq.so.5 => $compat/libzmq.so.5" <<<"$with_compat" || {
    echo "LD_LIBRARY_PATH=$compat does not select Sculpin's libzmq.so.5" >&2
    exit 1
}
grep -q "libzmq.so.5 => $compat" <<<"$without_compat" && {
    echo "without LD_LIBRARY_PATH the client should load Debian's libzmq" >&2
    exit 1
}

run_pair() {  # server-library client-library
    local server_env=() client_env=()
    [ "$1" = sculpin ] && server_env=(env "LD_LIBRARY_PATH=$compat")
    [ "$2" = sculpin ] && client_env=(env "LD_LIBRARY_PATH=$compat")
    local out
    out=$(mktemp)
    "${server_env[@]}" timeout 30 "$server" "$requests" >"$out" &
    local server_pid=$!
    local endpoint=""
    for _ in $(seq 1 100); do
        endpoint=$(head -n 1 "$out")
        [ -n "$endpoint" ] && break
        sleep 0.1
    done
    [ -n "$endpoint" ] || { echo "server ($1) printed no endpoint" >&2; exit 1; }
    "${client_env[@]}" timeout 30 "$client" "$endpoint" "$requests"
    wait "$server_pid"
    rm -f "$out"
    echo "ok: server on $1, client on $2 ($endpoint)"
}

run_pair sculpin libzmq
run_pair libzmq sculpin
run_pair sculpin sculpin
