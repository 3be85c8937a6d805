#!/usr/bin/env bash
# Checks deploy/systemd/pyrycode-relay.service without a running systemd (CI runs in a container):
#  1. `systemd-analyze verify` in a scratch root that holds the distribution's units and an executable at the
#     unit's ExecStart path (the AOT binary when given, else a stub). verify only warns on unknown keys or bad
#     values, so any output at all fails the check; a deliberately broken copy must fail too (self-test).
#  2. The directives docs/deploy.md#systemd promises are present.
#  3. `systemd-analyze security --offline` exposure stays at or below 2.5 ("OK").
# Usage: deploy/systemd/check.sh [path/to/pyrycode-relay]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
unit="$here/pyrycode-relay.service"
binary="${1:-}"

command -v systemd-analyze >/dev/null || { echo "systemd-check: systemd-analyze missing: apt-get install systemd" >&2; exit 1; }
units=/usr/lib/systemd/system
[ -d "$units" ] || units=/lib/systemd/system

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/usr/lib/systemd" "$scratch/etc/systemd/system" "$scratch/usr/local/bin"
cp -a "$units" "$scratch/usr/lib/systemd/system"
if [ -n "$binary" ]; then
  cp "$binary" "$scratch/usr/local/bin/pyrycode-relay"
else
  printf '#!/bin/sh\nexit 0\n' > "$scratch/usr/local/bin/pyrycode-relay"
fi
chmod 0755 "$scratch/usr/local/bin/pyrycode-relay"

verify() { # unit file -> prints every complaint; returns 1 when there is any
  cp "$1" "$scratch/etc/systemd/system/pyrycode-relay.service"
  local out rc=0
  out="$(systemd-analyze verify --man=no --root="$scratch" /etc/systemd/system/pyrycode-relay.service 2>&1)" || rc=$?
  [ -n "$out" ] && printf '%s\n' "$out"
  [ "$rc" -eq 0 ] && [ -z "$out" ]
}

if ! verify "$unit"; then
  echo "systemd-check: systemd-analyze verify complained about $unit" >&2
  exit 1
fi
sed 's/^Type=notify$/Type=notifyy/' "$unit" > "$scratch/broken.service"
if verify "$scratch/broken.service" >/dev/null; then
  echo "systemd-check: self-test failed: verify accepted a unit with Type=notifyy" >&2
  exit 1
fi

missing=0
for d in 'Type=notify' 'User=pyrycode-relay' 'AmbientCapabilities=CAP_NET_BIND_SERVICE' \
         'CapabilityBoundingSet=CAP_NET_BIND_SERVICE' 'NoNewPrivileges=yes' 'ProtectSystem=strict' \
         'StateDirectory=pyrycode-relay' 'LimitNOFILE=' 'Environment=PYRYCODE_RELAY_PRODUCTION=1' \
         'RestartPreventExitStatus=2'; do
  grep -q "^$d" "$unit" || { echo "systemd-check: $unit lacks $d" >&2; missing=1; }
done
[ "$missing" -eq 0 ] || exit 1

cp "$unit" "$scratch/etc/systemd/system/pyrycode-relay.service"
exposure="$(systemd-analyze security --offline=yes --root="$scratch" /etc/systemd/system/pyrycode-relay.service 2>/dev/null \
  | sed -n 's/.*Overall exposure level for pyrycode-relay.service: \([0-9.]*\).*/\1/p')"
if [ -z "$exposure" ] || ! awk -v e="$exposure" 'BEGIN { exit !(e <= 2.5) }'; then
  echo "systemd-check: exposure level '${exposure:-unknown}' is above 2.5 (systemd-analyze security)" >&2
  exit 1
fi
echo "systemd-check: $unit verifies cleanly; exposure $exposure"
