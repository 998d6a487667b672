#!/usr/bin/env bash
# Installs the Debian packages only the benchmarks need, on top of what scripts/setup.sh installs:
#   python3-optuna       Optuna 3.1: the search benchmark's reference TPE sampler (benchmarks/SearchBenchmark/optuna_tpe.py)
#   python3-torch        PyTorch 1.13 (CPU), for comparing AeGrid's training with the same model in PyTorch
#   libopenblas0-openmp  the OpenMP build of OpenBLAS that Debian's torch and numpy use for their CPU arithmetic
# Safe to run again: it installs only what is missing ('apt-get update' only then), with sudo only when not root.
# It does not build anything; `dotnet run -c Release --project benchmarks/SearchBenchmark` builds what it runs.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

say() { echo "bench-setup: $*" >&2; }

# sudo only when we are not root already (containers and CI usually are).
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

package_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

missing=()
for package in python3-optuna python3-torch libopenblas0-openmp; do
  package_installed "$package" || missing+=("$package")
done

if [ "${#missing[@]}" -gt 0 ]; then
  say "installing ${missing[*]}"
  as_root apt-get update
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
else
  say "benchmark packages present"
fi

# The benchmark runs Debian's interpreter (/usr/bin/python3): a pyenv or venv python3 earlier on PATH does not see
# Debian's python3-optuna. Say so now rather than in the middle of a benchmark.
if ! /usr/bin/python3 -c 'import optuna' 2>/dev/null; then
  say "/usr/bin/python3 cannot import optuna although python3-optuna is installed; see 'dpkg -L python3-optuna'"
  exit 1
fi
say "optuna $(/usr/bin/python3 -c 'import optuna; print(optuna.__version__)') for /usr/bin/python3"
