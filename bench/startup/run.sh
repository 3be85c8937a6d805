#!/usr/bin/env bash
# Start-to-ready time and idle RSS: the Native AOT binary against the JIT builds (method in
# bench/startup/measure.mjs; results in docs/performance.md, "Start-up and idle memory: Native AOT vs JIT").
# Not run by CI. Needs what deploy/aot/smoke.sh needs (clang, zlib1g-dev, node, setpriv).
# Usage: bench/startup/run.sh [runs] [idle-ms]   (default 10 runs, 3000 ms)
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-10}
idle=${2:-3000}

dotnet publish src/PyrycodeRelay -c Release -r linux-x64 -p:PublishAot=true -o artifacts/aot -nologo -v q
dotnet publish src/PyrycodeRelay -c Release -p:PublishAot=false -o artifacts/jit -nologo -v q
dotnet build src/PyrycodeRelay -c Release -nologo -v q -clp:NoSummary # so that `dotnet run` below finds the build up to date

echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at the start; $(date -u +%Y-%m-%dT%H:%MZ)"
node bench/startup/measure.mjs --runs "$runs" --idle-ms "$idle" \
  "Native AOT (\`artifacts/aot/pyrycode-relay\`)=artifacts/aot/pyrycode-relay" \
  "JIT, framework-dependent (\`artifacts/jit/pyrycode-relay\`)=artifacts/jit/pyrycode-relay" \
  "JIT via the README's \`dotnet run -c Release\`=dotnet run -c Release --project src/PyrycodeRelay --"
echo "machine: load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
