#!/usr/bin/env bash
# Regenerates docs/performance.md and docs/performance.svg: builds everything in Release, runs the load
# scenarios against the relay, nginx and the direct echo (about 45 minutes on the 2-core machine: the matrix
# about 25, the extra rows about 20), then the BenchmarkDotNet micro-benchmarks, then writes the report. Not part of CI.
#   bench/run-benchmarks.sh                 # everything
#   bench/run-benchmarks.sh --quick         # a short smoke run (fewer rows, shorter windows, no extra rows)
#   bench/run-benchmarks.sh --rows none     # the matrix only (as before issue 16)
#   bench/run-benchmarks.sh --rows deep,tls # other extra rows (presets: issue, deep, tls, large, ab, all, none)
#   SKIP_MICRO=1 bench/run-benchmarks.sh    # keep the previous micro-benchmark results
# Extra arguments go to `PyrycodeRelay.LoadGen run` (e.g. --duration 8 --warmup 3, --reps 2, --rows LIST).
# For quick A/B work on a few rows (relay vs nginx vs a baseline build) use bench/ab.sh instead.
# Needs: the .NET 10 SDK, nginx (Debian package `nginx`), util-linux (setpriv); NuGet for the dotnet tools.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v nginx >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null
  else
    echo "nginx is required (Debian: apt-get install nginx)" >&2; exit 1
  fi
fi
dotnet build -c Release -v q --nologo src/PyrycodeRelay
dotnet build -c Release -v q --nologo bench/PyrycodeRelay.EchoServer
dotnet build -c Release -v q --nologo bench/PyrycodeRelay.LoadGen
(cd bench && dotnet tool restore >/dev/null)
LG="dotnet bench/PyrycodeRelay.LoadGen/bin/Release/net10.0/PyrycodeRelay.LoadGen.dll"
echo "load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
$LG run --out artifacts/bench "$@"
if [ "${SKIP_MICRO:-0}" != 1 ]; then
  rm -rf artifacts/bench/bdn
  dotnet run -c Release --project bench/PyrycodeRelay.Benchmarks -- --filter '*' --job short --artifacts artifacts/bench/bdn
fi
$LG report --results artifacts/bench/results.json --bdn artifacts/bench/bdn/results
