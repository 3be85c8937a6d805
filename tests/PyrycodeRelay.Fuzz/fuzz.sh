#!/usr/bin/env bash
# Coverage-guided fuzzing of the relay's parsers with AFL++ (Debian package `afl++`) and SharpFuzz 2.3.0.
#   tests/PyrycodeRelay.Fuzz/fuzz.sh <target|all> [seconds-per-target]
# Targets: ws-header ws-connection envelope phone-frame header-gate proxy duration cli
# Findings (crashes = invariant violations or exceptions, hangs) go to $FUZZ_OUT/<target>/default/{crashes,hangs}
# (default tests/PyrycodeRelay.Fuzz/bin/findings, git-ignored); replay one with the UNinstrumented build
# (the instrumented one needs afl-fuzz's shared memory):
#   dotnet run -c Release --project tests/PyrycodeRelay.Fuzz -- <target> run <file-or-dir>
# Needs: apt-get install -y afl++; dotnet tool install --global SharpFuzz.CommandLine --version 2.3.0
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
target="${1:?target or all}"
seconds="${2:-600}"
out="$here/bin/afl"
findings="${FUZZ_OUT:-$here/bin/findings}"
export PATH="$PATH:$HOME/.dotnet/tools"

rm -rf "$out"
dotnet publish "$here/PyrycodeRelay.Fuzz.csproj" -c Release -o "$out" -v q -nologo >/dev/null
# Instrument only the code under test: the relay's parsers, and the codec sources linked into the harness.
sharpfuzz "$out/pyrycode-relay.dll" PyrycodeRelay.WebSockets PyrycodeRelay.Endpoints.HeaderGate \
  PyrycodeRelay.Limits.ProxyProtocol PyrycodeRelay.GoCompat PyrycodeRelay.Cli
sharpfuzz "$out/PyrycodeRelay.Fuzz.dll" PyrycodeRelay.Forwarding.Codec

if [ "$target" = all ]; then
  targets="$(dotnet "$out/PyrycodeRelay.Fuzz.dll" list)"
else
  targets="$target"
fi

for t in $targets; do
  mkdir -p "$findings/$t"
  dict=()
  [ -f "$here/dict/$t.dict" ] && dict=(-x "$here/dict/$t.dict")
  echo "== $t for ${seconds}s"
  AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 \
  AFL_NO_AFFINITY=1 AFL_AUTORESUME=1 \
    afl-fuzz -i "$here/corpus/$t" -o "$findings/$t" -t 5000 -m none -V "$seconds" "${dict[@]}" \
      -- dotnet "$out/PyrycodeRelay.Fuzz.dll" "$t" afl >"$findings/$t/afl.log" 2>&1 || true
  stats="$findings/$t/default/fuzzer_stats"
  if [ -f "$stats" ]; then
    grep -E '^(execs_done|execs_per_sec|corpus_count|bitmap_cvg|saved_crashes|saved_hangs|edges_found|total_edges) ' "$stats" | tr -s ' ' | paste -sd' '
  else
    tail -20 "$findings/$t/afl.log"
  fi
done
