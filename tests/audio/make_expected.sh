#!/usr/bin/env bash
# Writes tests/data/audio/expected_samples.json: for every audio entry (mp3/ogg/wav/flac/m4a/opus)
# inside the archives of tests/data/corpus_small and tests/data/osz_real, and for every file of
# tests/data/audio/variants (made by make_variants.sh), the number of samples
# the ffmpeg CLI produces with the reference pipeline's exact command line
# (osu_dreamer/data/load_audio.py: -f s16le -ac 1 -acodec pcm_s16le -ar 16384), i.e. N = bytes/2.
# Entries the CLI refuses are recorded with "ok": false. Run once by hand; the JSON is committed,
# so tests never call the CLI. Needs ffmpeg, python3 (zipfile only) and jq.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
data="$here/../data"
out="$data/audio/expected_samples.json"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

ffmpeg -version | head -1 >&2
mkdir -p "$(dirname "$out")"
rows="$tmp/rows.jsonl"
: >"$rows"
for archive in "$data"/corpus_small/*.osz "$data"/osz_real/*; do
  rel="${archive#"$data"/}"
  # Extract each audio entry to a numbered file that keeps the entry's extension (probing uses it).
  python3 - "$archive" "$tmp/x" >"$tmp/list.tsv" <<'PY'
import sys, zipfile, os
archive, dest = sys.argv[1], sys.argv[2]
os.makedirs(dest, exist_ok=True)
exts = (".mp3", ".ogg", ".wav", ".flac", ".m4a", ".opus")
with zipfile.ZipFile(archive) as z:
    for i, info in enumerate(z.infolist()):
        name = info.filename
        base = os.path.basename(name)
        if not name.lower().endswith(exts) or base.startswith("._"):
            continue
        path = os.path.join(dest, "%d%s" % (i, os.path.splitext(name)[1].lower()))
        with open(path, "wb") as f:
            f.write(z.read(info))
        print(path + "\t" + str(i) + "\t" + name)
PY
  while IFS=$'\t' read -r path index entry; do
    if ffmpeg -nostdin -threads 0 -i "$path" -f s16le -ac 1 -acodec pcm_s16le -ar 16384 - \
         2>"$tmp/err" >"$tmp/pcm"; then
      bytes=$(stat -c %s "$tmp/pcm")
      jq -cn --arg a "$rel" --arg e "$entry" --argjson i "$index" --argjson n $((bytes / 2)) \
        '{archive:$a, index:$i, entry:$e, ok:true, samples:$n}' >>"$rows"
    else
      jq -cn --arg a "$rel" --arg e "$entry" --argjson i "$index" '{archive:$a, index:$i, entry:$e, ok:false}' >>"$rows"
    fi
    rm -f "$path"
  done <"$tmp/list.tsv"
done
# Plain files: "archive" is null and "entry" is the path relative to tests/data.
for path in "$data"/audio/variants/*; do
  rel="${path#"$data"/}"
  if ffmpeg -nostdin -threads 0 -i "$path" -f s16le -ac 1 -acodec pcm_s16le -ar 16384 - \
       2>"$tmp/err" >"$tmp/pcm"; then
    bytes=$(stat -c %s "$tmp/pcm")
    jq -cn --arg e "$rel" --argjson n $((bytes / 2)) \
      '{archive:null, index:null, entry:$e, ok:true, samples:$n}' >>"$rows"
  else
    jq -cn --arg e "$rel" '{archive:null, index:null, entry:$e, ok:false}' >>"$rows"
  fi
done
jq -s --arg v "$(ffmpeg -version | head -1)" \
  '{generator:"tests/audio/make_expected.sh", ffmpeg:$v, sample_rate:16384, entries:.}' \
  "$rows" >"$out"
echo "wrote $out ($(jq '.entries|length' "$out") entries)" >&2
