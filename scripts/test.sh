#!/usr/bin/env bash
# Sets this machine up (scripts/setup.sh), runs every test project of AeGrid.sln, and ends with exactly one
# summary line: "N passed, N failed" (", N skipped" when some were). Exits non-zero when a test failed, when
# `dotnet test` itself failed, or when no test ran at all.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

./scripts/setup.sh

results_dir=TestResults
rm -rf "$results_dir"

# One `dotnet test` per test project, each writing its own TRX file: with a solution and one fixed
# LogFileName, every project writes the same file and only the last survives (microsoft/vstest#3026).
mapfile -t projects < <(dotnet sln AeGrid.sln list | tr '\\' '/' | grep -E '\.Tests\.csproj$' | sort)
if [ "${#projects[@]}" -eq 0 ]; then
  echo "test: AeGrid.sln lists no *.Tests.csproj project" >&2
fi

test_status=0
for project in "${projects[@]}"; do
  name=$(basename "$project" .csproj)
  dotnet test "$project" -c Release --no-build \
    --logger "trx;LogFileName=${name}.trx" \
    --results-directory "$results_dir" || test_status=$?
done

shopt -s nullglob
trx_files=("$results_dir"/*.trx)

# How many test results in all TRX files have one of the given outcomes.
count() {
  if [ "${#trx_files[@]}" -eq 0 ]; then echo 0; return; fi
  local pattern
  pattern=$(IFS='|'; echo "$*")
  # grep -c prints 0 but exits 1 when nothing matches; that is an answer, not an error.
  grep -ho '<UnitTestResult [^>]*>' "${trx_files[@]}" \
    | grep -cE " outcome=\"(${pattern})\"" || true
}

passed=$(count Passed)
failed=$(count Failed Error Timeout Aborted)
skipped=$(count NotExecuted)
total=$(( passed + failed + skipped ))

if [ "$total" -eq 0 ]; then
  echo "test: no tests ran (dotnet test exit code $test_status)" >&2
elif [ "$test_status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  echo "test: dotnet test exited with code $test_status although no test failed (crashed test host? see above)" >&2
fi

summary="$passed passed, $failed failed"
if [ "$skipped" -gt 0 ]; then
  summary="$summary, $skipped skipped"
fi
echo "$summary"

if [ "$failed" -gt 0 ] || [ "$total" -eq 0 ] || [ "$test_status" -ne 0 ]; then
  exit 1
fi
