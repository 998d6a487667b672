#!/usr/bin/env bash
# Fused sweeps end to end: the same sweep of 16 trials (a grid over lr) run by `aegrid run` on 1 slot, 1 thread, with
# `fuse: K` for each K given, rounds alternating so drift hits every K alike. Prints, per architecture and K, the sweep's
# wall time as the store records it (first attempt's start to last attempt's end: no process start-up) and its
# speed-up over K = 1. A benchmark, not a test: nothing asserts.
#
#   benchmarks/FusedSweep/run.sh DATA_DIR [ARCHITECTURES] [KS] [ROUNDS] [EPOCHS]
#   benchmarks/FusedSweep/run.sh ../shared/data/mnist-10k "linear deep-mlp denoise-mlp" "1 2 4 8 16" 2 3
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
data=$(realpath "${1:?usage: run.sh DATA_DIR [ARCHITECTURES] [KS] [ROUNDS] [EPOCHS]}")
architectures=${2:-linear deep-mlp denoise-mlp}
ks=${3:-1 2 4 8 16}
rounds=${4:-2}
epochs=${5:-3}
work=$(mktemp -d /tmp/aegrid-fused-sweep.XXXXXX)
trap 'rm -rf "$work"' EXIT
dotnet build src/Client -c Release -nologo -v quiet >/dev/null
aegrid="dotnet src/Client/bin/Release/net10.0/aegrid.dll"

echo "# fused sweeps: 16 trials (lr grid), $epochs epochs, tutorial batch sizes, 1 slot x 1 thread, $rounds rounds; $(date -u +%F' '%H:%M) UTC, $(nproc) cores"
echo "| architecture | K | sweep wall s (each round) | median | speed-up vs K=1 |"
echo "|---|---:|---|---:|---:|"
for arch in $architectures; do
  declare -A walls=()
  for round in $(seq "$rounds"); do
    for k in $ks; do
      spec="$work/$arch-fuse$k.yaml"
      cat > "$spec" <<SPEC
name: $arch-fuse$k
architecture: $arch
dataset: $data
epochs: $epochs
seed: 1
search: grid
keep_best: 0
fuse: $k
space:
  lr: [0.0010, 0.0012, 0.0014, 0.0016, 0.0018, 0.0020, 0.0022, 0.0024, 0.0026, 0.0028, 0.0030, 0.0032, 0.0034, 0.0036, 0.0038, 0.0040]
SPEC
      db="$work/$arch-fuse$k-$round.db"
      $aegrid run "$spec" --store "$db" --slots 1 --threads 1 >"$work/out.txt" 2>&1 || { cat "$work/out.txt"; exit 1; }
      walls[$k]+="$(python3 - "$db" <<'PY'
import sqlite3, sys, datetime
db = sqlite3.connect(sys.argv[1])
t = lambda s: datetime.datetime.fromisoformat(s.replace('Z', '+00:00'))
start, end = db.execute("SELECT min(started_at), max(ended_at) FROM trial_attempts").fetchone()
done = db.execute("SELECT count(*) FROM trials WHERE status = 'completed'").fetchone()[0]
if done != 16: sys.exit(f"only {done} of 16 trials completed")
print(f"{(t(end) - t(start)).total_seconds():.2f}")
PY
) "
    done
  done
  base=""
  for k in $ks; do
    median=$(echo "${walls[$k]}" | tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}')
    [ -z "$base" ] && base=$median
    echo "| $arch | $k | ${walls[$k]}| $median | $(python3 -c "print(f'{$base/$median:.2f}x')") |"
  done
  unset walls
done
