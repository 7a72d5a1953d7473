#!/usr/bin/env bash
# Keel's test command: restores, builds everything with warnings as errors, runs every test
# project, and ends with one line: "N passed, N failed".
# Services that some tests need (PostgreSQL, S3, Slurm) are started by scripts/services.sh
# when it exists, and stopped on exit.
set -uo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
results="$repo/artifacts/test-results"
rm -rf "$results"; mkdir -p "$results"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

if [[ -x "$repo/scripts/services.sh" ]]; then
  # shellcheck disable=SC1091
  source "$repo/scripts/services.sh"
  services_start || { echo "services failed to start"; echo "0 passed, 1 failed"; exit 1; }
  trap services_stop EXIT
fi

echo "== restore and build (warnings as errors)"
if ! dotnet build Keel.slnx -c Release -warnaserror --nologo -v minimal; then
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi
# The end-to-end tests drive the real launcher; build it once up front.
"$repo/keel" --version >/dev/null || { echo "launcher build failed"; echo "0 passed, 1 failed"; exit 1; }

status=0
for project in tests/*/*.csproj; do
  name="$(basename "$project" .csproj)"
  echo "== $name"
  dotnet test "$project" -c Release --no-build --nologo \
    --logger "trx;LogFileName=$name.trx" --results-directory "$results" \
    -- RunConfiguration.TestSessionTimeout=2400000 || status=1
done

passed=0; failed=0
for trx in "$results"/*.trx; do
  [[ -f "$trx" ]] || continue
  counters="$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)"
  p="$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")"
  f="$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")"
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
done
if [[ $status -ne 0 && $failed -eq 0 ]]; then failed=1; fi
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
