#!/usr/bin/env bash
# The README's main command: installs dependencies, builds, and runs the whole pipeline on the
# bundled corpus (tests/data/corpus_small) with the bundled demo model (checkpoints/latent_demo.ckpt,
# trained on a synthetic corpus; see checkpoints/README.md), on 2 ranks,
# ending with the report (figures and a self-contained index.html).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
mpirun --oversubscribe -n 2 build/bin/cartography run --job jobs/quickstart.yaml --out out/quickstart "$@"
echo "results in out/quickstart (run_summary.json; the report: out/quickstart/report/index.html)"
