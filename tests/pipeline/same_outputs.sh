#!/usr/bin/env bash
# Every JSON file under data/ and results/ of run A is byte-identical to run B's.
set -euo pipefail
a=$1; b=$2
status=0
files=$(cd "$a" && find data results -name '*.json' | sort)
[ -n "$files" ] || { echo "no JSON under $a"; exit 1; }
for f in $files; do
  if ! cmp -s "$a/$f" "$b/$f"; then echo "differs: $f"; status=1; fi
done
extra=$(cd "$b" && find data results -name '*.json' | sort)
[ "$files" = "$extra" ] || { echo "different file sets"; status=1; }
[ $status -eq 0 ] && echo "$(echo "$files" | wc -l) JSON files byte-identical"
exit $status
