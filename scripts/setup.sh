#!/usr/bin/env bash
# Prepares a Debian 12 machine for AeGrid and builds it: checks the .NET 10 SDK, installs the missing Debian
# packages (Fashion-MNIST, PostgreSQL server binaries for the tests) and builds the solution in Release.
# Safe to run again: it installs only what is missing and the build is incremental.
#
# Environment:
#   TORCH_BACKEND=cuda   build against the CUDA libtorch instead of the CPU one (see README, "Building on Debian 12")
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

say() { echo "setup: $*" >&2; }

# sudo only when we are not root already (containers and CI usually are).
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# --- .NET 10 SDK: required, not installed here (Microsoft's packages, your choice of channel) ---
if ! command -v dotnet >/dev/null 2>&1; then
  say "the .NET 10 SDK is required but 'dotnet' is not on PATH."
  say "install it (https://learn.microsoft.com/dotnet/core/install/linux-debian), then run this script again."
  exit 1
fi
if ! dotnet --list-sdks | grep -q '^10\.'; then
  say "the .NET 10 SDK is required; 'dotnet --list-sdks' shows only: $(dotnet --list-sdks | cut -d' ' -f1 | tr '\n' ' ')"
  exit 1
fi

# --- Debian packages ---
missing=()
package_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
# Fashion-MNIST in /usr/share/datasets/fashion-mnist: the dataset the quick start trains on.
package_installed dataset-fashion-mnist || missing+=(dataset-fashion-mnist)
# PostgreSQL server binaries (initdb, pg_ctl): the tests start their own throw-away server with them. If the
# package starts Debian's own cluster service, that is harmless; nothing here uses or stops it.
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)

if [ "${#missing[@]}" -gt 0 ]; then
  say "installing ${missing[*]}"
  as_root apt-get update
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
else
  say "Debian packages present"
fi

# --- build ---
build_args=(-c Release -nologo -v minimal)
if [ -n "${TORCH_BACKEND:-}" ]; then
  build_args+=("-p:TorchBackend=${TORCH_BACKEND}")
fi
say "dotnet build AeGrid.sln ${build_args[*]}"
dotnet build AeGrid.sln "${build_args[@]}"
