#!/usr/bin/env bash
# Sets this machine up (scripts/setup.sh) and runs the main job: one epoch of the linear autoencoder on
# Fashion-MNIST, with progress, a per-epoch table and the recipe it used. Extra arguments go to `aegrid train`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

./scripts/setup.sh
exec dotnet run --project src/Client -c Release --no-build -- \
  train --arch linear --dataset fashion-mnist --epochs 1 "$@"
