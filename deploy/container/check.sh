#!/usr/bin/env bash
# What CI can check of deploy/container/Dockerfile without pulling an image (no registry is reachable):
#   1. lint.py on the Dockerfile, and a self-test: mutated copies (USER root, no HEALTHCHECK, a :latest base,
#      shell-form ENTRYPOINT) must fail it;
#   2. the AOT binary run exactly as the image runs it: uid/gid 1654 with no supplementary groups, every
#      capability dropped, no_new_privs, the runtime-deps image's environment plus PYRYCODE_RELAY_PRODUCTION=1,
#      the ENTRYPOINT's flags (read from the Dockerfile) followed by the operator's --domain, and the cert cache
#      in a "volume" directory owned by 1654 with mode 0700. Free ports are appended over the image's
#      8443/8080/9090 (the last value of a flag wins) because this machine is shared.
#      a. ACME mode as shipped (ACME server unreachable): boots, creates the cert cache 0700 as uid 1654, HTTP
#         listener answers 404, the HEALTHCHECK probe (healthcheck.c) passes, CapEff is 0, SIGTERM exits 0;
#      b. static certificate: /healthz over TLS with the domain as SNI and Host;
#      c. the same as uid 0 is refused (production mode), which is why the image sets USER.
# Usage: deploy/container/check.sh path/to/pyrycode-relay (the linux AOT binary; default artifacts/aot/...)
set -euo pipefail
cd "$(dirname "$0")/../.."
binary="${1:-artifacts/aot/pyrycode-relay}"
dockerfile=deploy/container/Dockerfile
uid=1654

say() { echo "container check: $*"; }
fail() {
  echo "container check: FAIL: $*" >&2
  for f in "$scratch"/relay-*.log; do [ -s "$f" ] && { echo "--- $f ---" >&2; tail -n 20 "$f" >&2; }; done
  exit 1
}
scratch="$(mktemp -d)"
pid=""
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
  rm -rf "$scratch"
}
trap cleanup EXIT
chmod 0755 "$scratch"

for tool in python3 setpriv curl openssl; do
  command -v "$tool" >/dev/null || fail "'$tool' is not installed (Debian: apt-get install python3 util-linux curl openssl)"
done
cc=$(command -v clang || command -v gcc) || fail "no C compiler (apt-get install clang)"
[ -x "$binary" ] || fail "$binary is missing: publish the AOT binary first (deploy/aot/smoke.sh)"
[ "$(id -u)" = 0 ] || fail "must run as root (it starts the relay as uid $uid)"

# 1. Lint, with a self-test.
python3 deploy/container/lint.py "$dockerfile" || fail "the Dockerfile lint failed (lines above)"
mutate() { # name sed-expression
  sed "$2" "$dockerfile" > "$scratch/Dockerfile.$1"
  if python3 deploy/container/lint.py "$scratch/Dockerfile.$1" 2>/dev/null >&2; then fail "lint self-test: '$1' was not caught"; fi
}
mutate user-root 's/^USER .*/USER root/'
mutate no-healthcheck '/^HEALTHCHECK/d'
mutate latest-base 's#^FROM mcr.microsoft.com/dotnet/runtime-deps:[^ ]*#FROM mcr.microsoft.com/dotnet/runtime-deps:latest#'
mutate shell-entrypoint 's#^ENTRYPOINT \[.*#ENTRYPOINT /usr/local/bin/pyrycode-relay#'
mutate no-production '/^ENV PYRYCODE_RELAY_PRODUCTION=1/d'
say "lint self-test: 5 broken Dockerfiles rejected"

# 2. The binary as the image runs it.
mapfile -t entry < <(python3 -c 'import json,re,sys
t=open(sys.argv[1]).read()
print("\n".join(json.loads(re.search(r"^ENTRYPOINT (\[.*\])$", t, re.M).group(1))))' "$dockerfile")
[ "${entry[0]}" = /usr/local/bin/pyrycode-relay ] || fail "unexpected ENTRYPOINT ${entry[*]}"
install -m 0755 "$binary" "$scratch/pyrycode-relay"
"$cc" -O2 -Wall -Wextra -Werror -o "$scratch/healthcheck" deploy/container/healthcheck.c || fail "healthcheck.c does not compile"
volume="$scratch/volume"
install -d -o "$uid" -g "$uid" -m 0700 "$volume"

free_port() {
  local p
  for _ in $(seq 1 50); do
    p=$(( 20000 + RANDOM % 40000 ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return 0; fi
  done
  return 1
}
https_port=$(free_port); http_port=$(free_port); metrics_port=$(free_port)

as_image() { # log-file as-uid relay-args... ; starts the relay in the background, sets $pid
  local log="$1" who="$2"; shift 2
  local ids=(--reuid="$who" --regid="$who" --clear-groups)
  [ "$who" = 0 ] && ids=(--clear-groups)
  setpriv "${ids[@]}" --inh-caps=-all --bounding-set=-all --no-new-privs \
    env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/home/app APP_UID=1654 \
      ASPNETCORE_HTTP_PORTS=8080 DOTNET_RUNNING_IN_CONTAINER=true PYRYCODE_RELAY_PRODUCTION=1 \
    "$scratch/pyrycode-relay" "${entry[@]:1}" \
      --https-listen ":$https_port" --http-listen ":$http_port" --metrics-listen "127.0.0.1:$metrics_port" \
      --cert-cache "$volume/certs" "$@" 2>"$log" &
  pid=$!
}
wait_healthy() {
  for _ in $(seq 1 200); do # 200 x 50 ms = 10 s
    kill -0 "$pid" 2>/dev/null || { wait "$pid" && rc=0 || rc=$?; pid=""; fail "the relay exited with code $rc at start"; }
    "$scratch/healthcheck" "127.0.0.1:$metrics_port" >/dev/null 2>&1 && return 0
    sleep 0.05
  done
  fail "the HEALTHCHECK probe did not pass within 10 s"
}
stop() { # SIGTERM -> exit 0 within 15 s
  kill -TERM "$pid"
  for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
  kill -0 "$pid" 2>/dev/null && fail "still running 15 s after SIGTERM"
  wait "$pid" && rc=0 || rc=$?
  pid=""
  [ "$rc" -eq 0 ] || fail "exit code $rc after SIGTERM (expected 0)"
}

# 2a. ACME mode, as shipped.
dead_port=$(free_port)
as_image "$scratch/relay-acme.log" "$uid" --domain relay.test --acme-directory "https://127.0.0.1:$dead_port/dir"
wait_healthy
status=$(cat "/proc/$pid/status")
grep -qE "^Uid:\s+$uid\s+$uid\s+$uid\s+$uid$" <<<"$status" || fail "the relay does not run as uid $uid"
grep -qE '^CapEff:\s+0+$' <<<"$status" || fail "the relay has effective capabilities: $(grep CapEff <<<"$status")"
grep -qE '^NoNewPrivs:\s+1$' <<<"$status" || fail "no_new_privs is not set"
[ "$(stat -c '%u %a' "$volume/certs")" = "$uid 700" ] || fail "cert cache $(stat -c '%u %a' "$volume/certs"), expected owner $uid mode 700"
body=$(curl -sS --max-time 5 -o - -w ' %{http_code}' "http://127.0.0.1:$http_port/anything") || fail "HTTP listener did not answer"
[ "$body" = "404 page not found
 404" ] || fail "HTTP listener answered: $body"
if "$scratch/healthcheck" "127.0.0.1:$dead_port" >/dev/null 2>&1; then fail "the probe passed against a closed port"; fi
stop
grep -q 'msg="shutdown complete"' "$scratch/relay-acme.log" || fail "no shutdown complete line"
say "ACME mode as uid $uid, no capabilities, no_new_privs: cert cache created 0700, HTTP 404, HEALTHCHECK ok, SIGTERM -> 0"

# 2b. Static certificate: /healthz over TLS.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=relay.test \
  -addext subjectAltName=DNS:relay.test -keyout "$scratch/key.pem" -out "$scratch/cert.pem" 2>/dev/null || fail "openssl"
chmod 0644 "$scratch/key.pem"
as_image "$scratch/relay-static.log" "$uid" --domain relay.test --tls-cert-file "$scratch/cert.pem" --tls-key-file "$scratch/key.pem"
wait_healthy
health=$(curl -sS --max-time 5 --cacert "$scratch/cert.pem" --resolve "relay.test:$https_port:127.0.0.1" "https://relay.test:$https_port/healthz") \
  || fail "GET https://relay.test/healthz failed"
[[ "$health" =~ ^\{\"status\":\"ok\",\"version\":\"[^\"]+\".*\"connected_binaries\":0,\"connected_phones\":0,\"uptime_seconds\":[0-9]+\}$ ]] \
  || fail "unexpected /healthz: $health"
stop
say "static certificate as uid $uid: /healthz over TLS ok, SIGTERM -> 0"

# 2c. Without USER the image would run as root: production mode refuses it.
as_image "$scratch/relay-root.log" 0 --domain relay.test
wait "$pid" && rc=0 || rc=$?
pid=""
[ "$rc" -eq 2 ] || fail "as uid 0 the relay exited $rc (expected 2)"
grep -q 'effective uid is 0 with PYRYCODE_RELAY_PRODUCTION=1' "$scratch/relay-root.log" || fail "no production-mode refusal for uid 0"
say "as uid 0: refused with exit 2 (production mode)"
say "PASS"
