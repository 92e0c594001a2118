"""Digests of the samples the reference's ffmpeg pipe produces for every audio file the audio
tests know (tests/data/audio/expected_samples.json: corpus_small, osz_real, the variants), so
that decode_pcm is checked sample for sample on all of them without storing the samples.

    python3 tests/data/train/cqt/make_pcm_digests.py

Runs the reference's exact command line (osu_dreamer/data/load_audio.py) on each file and
writes pcm_digests.json beside this script: per file, the sample count and the FNV-1a 64-bit
hash of the s16le bytes (hex). Files the CLI refuses are left out (audio_test covers them).
"""
import json
import os
import pathlib
import subprocess
import tempfile
import zipfile

HERE = pathlib.Path(__file__).resolve().parent
DATA = HERE.parents[1]


def fnv1a64(data: bytes) -> int:
    h = 0xCBF29CE484222325
    for b in data:
        h = ((h ^ b) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


def cli_pcm(path):
    return subprocess.run(["ffmpeg", "-nostdin", "-threads", "0", "-i", str(path), "-f", "s16le", "-ac", "1",
                           "-acodec", "pcm_s16le", "-ar", "16384", "-"], capture_output=True, check=True).stdout


def main():
    expected = json.loads((DATA / "audio" / "expected_samples.json").read_text())
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for e in expected["entries"]:
            if not e["ok"]:
                continue
            if e["archive"]:
                with zipfile.ZipFile(DATA / e["archive"]) as z:
                    info = z.infolist()[e["index"]]
                    path = pathlib.Path(tmp) / ("x" + os.path.splitext(info.filename)[1].lower())
                    path.write_bytes(z.read(info))
            else:
                path = DATA / e["entry"]
            pcm = cli_pcm(path)
            assert len(pcm) // 2 == e["samples"], (e, len(pcm))
            rows.append({"archive": e["archive"], "index": e["index"], "entry": e["entry"],
                         "samples": len(pcm) // 2, "fnv1a64": "%016x" % fnv1a64(pcm)})
            print(rows[-1])
    version = subprocess.run(["ffmpeg", "-version"], capture_output=True, text=True).stdout.splitlines()[0]
    out = {"generator": "tests/data/train/cqt/make_pcm_digests.py", "ffmpeg": version, "entries": rows}
    (HERE / "pcm_digests.json").write_text(json.dumps(out, indent=1) + "\n")


if __name__ == "__main__":
    main()
