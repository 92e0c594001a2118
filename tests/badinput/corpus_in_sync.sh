#!/usr/bin/env bash
# Regenerates the bad corpus into <dir> and checks that tests/data/bad_corpus holds the same
# file names and the same EXPECTED.json (run scripts/make_bad_corpus.py after changing it).
set -euo pipefail
src=$(realpath "${1:?source dir}")
out=${2:?output dir}
rm -rf "$out"
timeout 100 python3 "$src/scripts/make_bad_corpus.py" --out "$out" --good "$src/tests/data/corpus_small"
committed=$src/tests/data/bad_corpus
if ! diff <(cd "$committed" && ls -A | LC_ALL=C sort) <(cd "$out" && ls -A | LC_ALL=C sort); then
  echo "FAIL: tests/data/bad_corpus has other files than scripts/make_bad_corpus.py makes"
  exit 1
fi
if ! cmp -s "$committed/EXPECTED.json" "$out/EXPECTED.json"; then
  diff "$committed/EXPECTED.json" "$out/EXPECTED.json" | head -20
  echo "FAIL: tests/data/bad_corpus/EXPECTED.json is out of date: rerun scripts/make_bad_corpus.py"
  exit 1
fi
echo "ok: bad corpus in sync with its generator"
