#!/usr/bin/env bash
# CTest (label badinput): `cartography run` on tests/data/bad_corpus (broken and hostile
# archives mixed into song groups of good ones) and on its good-only subset, both on 2 MPI
# ranks; then check_badinput.py compares them against bad_corpus/EXPECTED.json.
#
#   run_badinput.sh <source dir> <build dir> [extra cartography run options]
#
# With the latent plugin built, every stage runs (tests/data/vae/vae_small.ckpt); without it,
# Track A only. Outputs stay under
# <build dir>/tests/badinput/run/ for inspection.
set -euo pipefail
src=$(realpath "${1:?source dir}")
build=$(realpath "${2:?build dir}")
shift 2
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

corpus=$src/tests/data/bad_corpus
expected=$corpus/EXPECTED.json
bin=$build/bin/cartography
[ -x "$bin" ] || { echo "FAIL: $bin not built"; exit 1; }
[ -f "$expected" ] || { echo "FAIL: $expected missing (scripts/make_bad_corpus.py)"; exit 1; }

work=$build/tests/badinput/run
rm -rf "$work"
mkdir -p "$work/good_only"
cd "$work"

# The good-only folder: the good archives and the cases EXPECTED.json marks as used.
timeout 60 python3 - "$expected" <<'EOF' >"$work/good_only.list"
import json, sys
e = json.load(open(sys.argv[1]))
for name in e["good"] + [c["archive"] for c in e["cases"] if c["used"]]:
    print(name)
EOF
while IFS= read -r name; do
  ln -s "$corpus/$name" "$work/good_only/$name"
done <"$work/good_only.list"

# Every stage when the latent plugin is built (the small random-weight test checkpoint: Track B
# and synthesis see the bad inputs too), Track A alone otherwise.
ckpt=none
if [ -e "$build/lib/libcartography_latent.so" ]; then ckpt=$src/tests/data/vae/vae_small.ckpt; fi

export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
run() {  # run <label> <dataset> <out>
  local rc=0
  echo "== $1: mpirun -n 2 cartography run $2 --out $3 --checkpoint $ckpt ${*:4}"
  timeout 600 mpirun -n 2 "$bin" run "$2" --out "$3" --checkpoint "$ckpt" --progress-seconds 30 "${@:4}" \
    >"$3.log" 2>&1 || rc=$?
  tail -n 5 "$3.log"
  if [ $rc -ne 0 ]; then
    echo "FAIL: the $1 run exited with $rc (log: $3.log)"
    tail -n 40 "$3.log"
    exit 1
  fi
}
run "bad corpus" "$corpus" "$work/bad" "$@"
run "good-only subset" "$work/good_only" "$work/good" "$@"

# A Python that has h5py (Debian's python3-h5py; a pyenv python3 first on PATH may lack it) also
# scans cartography.h5 for NaN/inf.
py=python3
for cand in python3 /usr/bin/python3; do
  if command -v "$cand" >/dev/null && "$cand" -c 'import h5py, numpy' 2>/dev/null; then py=$cand; break; fi
done
timeout 300 "$py" "$here/check_badinput.py" --expected "$expected" --dataset "$corpus" \
  --bad "$work/bad" --good "$work/good"
