"""Goldens for src/train's featurisation: what the reference's generate-data + SignalDataset make
of some corpus_small archives (osu! standard difficulties grouped by audio file, L = samples // 98 + 1
of the ffmpeg pipe, encode_beatmap(bm, get_frame_times(L))). The CQT itself is H1's (tests/data/train/cqt).

Run: PYTHONPATH=/work/trainref/src /work/trainref/venv/bin/python make_features_golden.py
Writes features.json (per archive: units with audio file, n_samples, L, charts) and <archive>__<osu stem>.npy
(float32 [9, L]) beside this script.
"""
import json
import pathlib
import subprocess
import tempfile
import zipfile

import numpy as np

from osu_dreamer.data.beatmap.encode import encode_beatmap
from osu_dreamer.data.load_audio import HOP_LEN, SR, get_frame_times
from osu_dreamer.osu.beatmap import Beatmap

HERE = pathlib.Path(__file__).resolve().parent
CORPUS = HERE.parents[1] / "corpus_small"
ARCHIVES = ["100020.osz", "100036.osz", "100203.osz"]  # mp3; ogg with 3 difficulties; a Mode 1 difficulty


def pcm_samples(audio_file: pathlib.Path) -> int:
    # The same ffmpeg command as the reference's load_audio.
    buf = subprocess.run(["ffmpeg", "-nostdin", "-threads", "0", "-i", str(audio_file), "-f", "s16le", "-ac", "1",
                          "-acodec", "pcm_s16le", "-ar", str(SR), "-"], capture_output=True, check=True).stdout
    return len(buf) // 2


def main():
    out = {}
    for name in ARCHIVES:
        with tempfile.TemporaryDirectory() as tmp:
            mapset = pathlib.Path(tmp) / name[:-4]
            zipfile.ZipFile(CORPUS / name).extractall(mapset)
            units, skipped = {}, []
            # generate_data.process_mapset: every .osu, Mode 0 only, grouped by audio file.
            for map_file in sorted(mapset.rglob("*.osu")):
                bm = Beatmap(map_file, meta_only=True)
                if bm.mode != 0:
                    skipped.append(map_file.name)
                    continue
                units.setdefault(bm.audio_filename.name, []).append(bm)
            rows = []
            for audio_name, bms in sorted(units.items()):
                n = pcm_samples(mapset / audio_name)
                L = n // HOP_LEN + 1
                charts = []
                for bm in bms:
                    bm.parse_map_data()
                    x = encode_beatmap(bm, get_frame_times(L)).astype(np.float32)
                    stem = pathlib.Path(bm.filename).stem
                    np.save(HERE / f"{name[:-4]}__{stem}.npy", x)
                    charts.append({"entry": pathlib.Path(bm.filename).name, "npy": f"{name[:-4]}__{stem}.npy"})
                rows.append({"audio": audio_name, "n_samples": n, "L": L, "charts": charts})
            out[name] = {"units": rows, "not_standard": skipped}
    (HERE / "features.json").write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
