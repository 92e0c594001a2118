#!/usr/bin/env bash
# Writes tests/data/audio/variants/: short audio files in the shapes real .osz archives hold
# (MPEG-1/2/2.5 layer 3 with and without a LAME/Xing header, VBR, ID3 tags, stereo, mp2,
# Vorbis at several rates, PCM WAV, FLAC and Opus for the decode-only path) plus damaged
# copies of a fixture (truncated, corrupted, junk). Made once with the ffmpeg CLI and
# committed; tests/audio/make_expected.sh then records the CLI's sample counts for them.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
data="$here/../data"
out="$data/audio/variants"
mkdir -p "$out"
rm -f "$out"/*
ff() { ffmpeg -nostdin -hide_banner -loglevel error -y "$@"; }
# A chord with a click track, 3.7 s (not a whole number of frames at any rate).
src=(-f lavfi -i "sine=frequency=440:sample_rate=48000:duration=3.7" \
     -f lavfi -i "sine=frequency=660:sample_rate=48000:duration=3.7:beep_factor=4" \
     -filter_complex "[0][1]amerge=inputs=2[a]" -map "[a]" -fflags +bitexact -map_metadata -1)
# PCM is large: 1.1 s is enough for the WAV and FLAC cases.
short=(-f lavfi -i "sine=frequency=440:sample_rate=48000:duration=1.1:beep_factor=4" \
       -fflags +bitexact -map_metadata -1)

ff "${src[@]}" -ac 2 -ar 44100 -c:a libmp3lame -b:a 128k "$out/stereo_44100_cbr.mp3"
ff "${src[@]}" -ac 2 -ar 48000 -c:a libmp3lame -q:a 4 "$out/stereo_48000_vbr.mp3"
ff "${src[@]}" -ac 1 -ar 32000 -c:a libmp3lame -b:a 64k "$out/mono_32000.mp3"
ff "${src[@]}" -ac 1 -ar 24000 -c:a libmp3lame -b:a 32k -write_xing 0 "$out/mono_24000_no_xing.mp3"
ff "${src[@]}" -ac 1 -ar 11025 -c:a libmp3lame -b:a 16k "$out/mono_11025_mpeg25.mp3"
ff "${src[@]}" -ac 2 -ar 44100 -c:a libmp3lame -b:a 96k -id3v2_version 3 -write_id3v1 1 \
   -metadata title=Variant -metadata artist=Cartography "$out/stereo_44100_id3.mp3"
ff "${src[@]}" -ac 2 -ar 44100 -c:a mp2 -b:a 128k "$out/stereo_44100.mp2"
ff "${src[@]}" -ac 2 -ar 44100 -c:a libvorbis -q:a 3 "$out/stereo_44100.ogg"
ff "${src[@]}" -ac 1 -ar 48000 -c:a libvorbis -q:a 0 "$out/mono_48000.ogg"
ff "${src[@]}" -ac 1 -ar 16384 -c:a libvorbis "$out/mono_16384.ogg"
ff "${short[@]}" -ac 2 -ar 44100 -c:a pcm_s16le "$out/stereo_44100_s16.wav"
ff "${short[@]}" -ac 1 -ar 16384 -c:a pcm_s16le "$out/mono_16384_s16.wav"
ff "${short[@]}" -ac 2 -ar 22050 -c:a pcm_s24le "$out/stereo_22050_s24.wav"
ff "${short[@]}" -ac 2 -ar 44100 -c:a flac "$out/stereo_44100.flac"
ff "${src[@]}" -ac 2 -ar 48000 -c:a libopus -b:a 48k "$out/stereo_48000.opus"

# Damaged copies of a corpus_small fixture's mp3 and ogg.
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
python3 - "$data/corpus_small/100020.osz" "$data/corpus_small/100036.osz" "$out" <<'PY'
import sys, zipfile
mp3 = zipfile.ZipFile(sys.argv[1]).read("audio.mp3")
ogg = zipfile.ZipFile(sys.argv[2]).read("audio.ogg")
out = sys.argv[3]
def w(name, b):
    open(f"{out}/{name}", "wb").write(b)
w("truncated_half.mp3", mp3[: len(mp3) // 2])
w("truncated_half.ogg", ogg[: len(ogg) // 2])
w("truncated_header.mp3", mp3[:300])
mid = bytearray(mp3)
for i in range(len(mid) // 2, len(mid) // 2 + 2000, 7):
    mid[i] ^= 0x5A
w("corrupt_middle.mp3", bytes(mid))
mid = bytearray(ogg)
for i in range(len(mid) // 2, len(mid) // 2 + 2000, 7):
    mid[i] ^= 0x5A
w("corrupt_middle.ogg", bytes(mid))
w("junk.mp3", bytes((i * 7919 + 13) % 251 for i in range(40000)))
w("text.ogg", b"osu file format v14\n\n[General]\nAudioFilename: audio.mp3\n" * 50)
w("empty.mp3", b"")
PY
ls -l "$out" >&2
