#!/bin/sh
# The seed's own cross-validation results, copied unchanged (data files, no code): the expected
# values of tests/pipeline/cross_validation_test.cpp.
#   seed_cv_comparison.json  reference_results/cv_comparison.json (original, cv_test, delta)
#   seed_track_b.json        reference_results/track_b.json (the full-data model's Track B: "original")
#   seed_track_b_cv.json     docs/data/track_b_cv.json (the cv model's Track B on the test songs)
# Usage: copy_seed_files.sh <osu-dreamer-cartography checkout>
set -eu
ref=${1:?usage: $0 <reference checkout>}
here=$(dirname "$0")
cp "$ref/reference_results/cv_comparison.json" "$here/seed_cv_comparison.json"
cp "$ref/reference_results/track_b.json" "$here/seed_track_b.json"
cp "$ref/docs/data/track_b_cv.json" "$here/seed_track_b_cv.json"
