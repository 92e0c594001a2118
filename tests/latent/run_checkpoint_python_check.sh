#!/bin/sh
# Writes the tiny pattern checkpoint and checks it with a Python that has torch (see
# check_lightning_load.py). The interpreter comes from the environment variable named by $1;
# without it, or without torch there, the test is skipped (exit 77): CI machines have no
# training venv.
# usage: run_checkpoint_python_check.sh PYTHON_VAR WRITER LAYOUT REFERENCE SCRIPT [--torch-only]
var=$1 writer=$2 layout=$3 reference=$4 script=$5
shift 5
eval "py=\${$var:-}"
if [ -z "$py" ] || [ ! -x "$py" ]; then
  echo "SKIPPED: \$$var does not name a Python interpreter ('$py')"
  exit 77
fi
if ! "$py" -c "import torch, numpy" 2>/dev/null; then
  echo "SKIPPED: $py cannot import torch and numpy"
  exit 77
fi
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT
"$writer" "$layout" "$dir/tiny.ckpt" || exit 1
"$py" "$script" "$dir/tiny.ckpt" "$layout" "$reference" "$@"
