#!/usr/bin/env bash
# Where a forwarded frame's kernel time goes: runs closed-loop round trips against a fresh relay (each phone with
# its own binary) and, for a few seconds in the middle, summarises the relay's system calls with `perf trace -s`
# (per syscall: calls, errors such as EAGAIN, time) and counts its context switches, then divides by the frames
# the relay forwarded meanwhile (its pyrycode_relay_frames_forwarded_total, both directions; one round trip = 2
# forwarded frames). perf trace adds overhead (the relay runs slower while traced); the counts per frame are the
# point. Usage: bench/syscalls-relay.sh [phones] [size] [seconds] [window]   (writes artifacts/bench/syscalls/*)
# Needs: perf (Debian linux-perf) with tracepoints; the Release builds of the relay and bench/PyrycodeRelay.LoadGen.
set -euo pipefail
cd "$(dirname "$0")/.."
PHONES=${1:-256}; SIZE=${2:-64}; SECS=${3:-3}; WINDOW=${4:-4}
OUT=artifacts/bench/syscalls; mkdir -p "$OUT"
. bench/relay-load.sh
MPORT=$(( PORT + 1 ))
relay_start "$OUT" -- --metrics-listen "127.0.0.1:$MPORT"
load_start "$OUT" "$PHONES" "$SIZE" "$WINDOW" $(( SECS * 2 + 4 ))
sleep 5
frames() { curl -fs "127.0.0.1:$MPORT/metrics" | awk '/^pyrycode_relay_frames_forwarded_total/ { s += $NF } END { printf "%.0f", s }'; }
switches() { cat /proc/$RELAY/task/*/status | awk '/ctxt_switches/ { s += $2 } END { print s }'; }
F0=$(frames); C0=$(switches)
perf trace -s -p $RELAY -o "$OUT/perf-trace.txt" -- sleep "$SECS" >/dev/null 2>&1 || true
F1=$(frames); C1=$(switches)
# The receive and send sizes: a short strace sample (heavy, so only 0.5 s).
timeout -s INT 0.5 strace -f -qq -e trace=recvfrom,recvmsg,sendto,sendmsg,writev -e abbrev=all -s 0 -p $RELAY -o "$OUT/strace.txt" 2>/dev/null || true
sleep 1
F2=$(frames); C2=$(switches)
T0=$(date +%s.%N); sleep "$SECS"; F3=$(frames); C3=$(switches); T1=$(date +%s.%N)
load_stop
python3 - "$OUT/perf-trace.txt" "$F0" "$F1" "$C0" "$C1" "$F2" "$F3" "$C2" "$C3" "$T0" "$T1" <<'PY'
import re, sys
path = sys.argv[1]
f0, f1, c0, c1, f2, f3, c2, c3 = (int(x) for x in sys.argv[2:10])
t0, t1 = float(sys.argv[10]), float(sys.argv[11])
frames = max(1, f1 - f0)
calls = {}
for line in open(path):
    m = re.match(r"\s+(\w+)\s+(\d+)\s+(\d+)\s+([\d.]+)", line)
    if m:
        name, n, err, total_ms = m.group(1), int(m.group(2)), int(m.group(3)), float(m.group(4))
        c = calls.setdefault(name, [0, 0, 0.0])
        c[0] += n; c[1] += err; c[2] += total_ms
print(f"untraced: {(f3 - f2) / (t1 - t0):.0f} frames/s forwarded, {(c3 - c2) / max(1, f3 - f2):.3f} context switches per frame")
print(f"traced ({frames} frames forwarded, relay slowed by the tracing): {(c1 - c0) / frames:.3f} context switches per frame")
print(f"{'syscall':<16}{'per frame':>10}{'errors/frame':>14}{'µs per call':>13}")
for name, (n, err, ms) in sorted(calls.items(), key=lambda kv: -kv[1][0]):
    if n / frames >= 0.005:
        print(f"{name:<16}{n / frames:>10.3f}{err / frames:>14.3f}{ms * 1000 / n:>13.2f}")
print(f"{'all':<16}{sum(c[0] for c in calls.values()) / frames:>10.3f}")
# strace sample: requested and returned sizes of the socket calls (strace splits a call into "<unfinished ...>"
# and "<... resumed>" lines when threads interleave; only the complete or resumed line carries the arguments).
import collections
kinds = collections.Counter()
sent = []
for line in open(path.replace("perf-trace.txt", "strace.txt"), errors="replace"):
    if "<unfinished" in line:
        continue
    c = re.search(r"(recvfrom|sendto|sendmsg|recvmsg|writev)(?: resumed>|\()", line)
    r = re.search(r"= (-?\d+)", line)
    if not c or not r:
        continue
    call, got = c.group(1), int(r.group(1))
    if call == "recvfrom":
        m = re.search(r", (\d+), ([\w|]+), NULL, NULL\)", line)
        asked, flags = (int(m.group(1)), m.group(2)) if m else (-1, "")
        if "MSG_PEEK" in flags:
            kind = f"recvfrom {asked} B MSG_PEEK (zero-byte read) -> " + ("EAGAIN, then epoll" if got < 0 else "data already there")
        else:
            kind = f"recvfrom {asked} B -> " + ("EAGAIN" if got < 0 else "buffer filled" if got == asked else "less than asked")
    else:
        kind = call + (" -> error" if got < 0 else "")
        if got > 0:
            sent.append(got)
    kinds[kind] += 1
if kinds:
    print("strace sample (0.5 s, all relay threads):")
    for k, n in kinds.most_common(12):
        print(f"  {n:>7}  {k}")
    if sent:
        print(f"  bytes per send: mean {sum(sent) / len(sent):.0f}, max {max(sent)}")
PY
grep RESULT "$OUT/phones.out" | cut -c1-160
