#!/usr/bin/env bash
# Sets this machine up (scripts/setup.sh) and runs the main job: a small sweep of the tutorial autoencoders on
# Fashion-MNIST, end to end, on a silo in this process with the embedded store (~/.aegrid/aegrid.db): progress,
# every trial, and the leaderboard. Extra arguments go to `aegrid run`, e.g. --json.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

./scripts/setup.sh
exec dotnet run --project src/Client -c Release --no-build -- \
  run examples/quick.yaml --slots 2 --threads 1 "$@"
