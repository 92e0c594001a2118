"""Per-pair statistics and signals from cartography.h5, keyed by song and mapper."""
import base64

import numpy as np

from .run_files import FRAME_SECONDS

# The signal view shows this much of a song: long enough for several phrases, short enough
# that single notes stay visible at 100%.
SIGNAL_WINDOW_SECONDS = 15.0
# The page holds the signals of this many songs (the first in index order), pooled over frames.
SIGNAL_SONGS = 60
SIGNAL_POOL = 3


def pack_signal(x):
    """A (9, n) signal in [−1, 1] as base64 of int8 (value × 127), row after row: the page holds a
    song's charts in a few kB and the chart cannot show more than 1/127 anyway."""
    q = np.clip(np.round(np.asarray(x) * 127.0), -127, 127).astype(np.int8)
    return {"rows": int(q.shape[0]), "frames": int(q.shape[1]), "int8_base64": base64.b64encode(q.tobytes()).decode()}


class PairData:
    """Track A (and B) per-pair arrays with each pair's song and the two maps it compares."""

    def __init__(self, run):
        self.run = run
        with run.open_h5() as f:
            self.song_of_map = f["maps/song_group_idx"][:]
            self.frames = f["maps/frames"][:]
            self.offsets = f["maps/frame_offset"][:]
            self.creators = [c.decode("utf-8", "replace") for c in f["maps/creator"][:]]
            self.versions = [c.decode("utf-8", "replace") for c in f["maps/version"][:]]
            self.a = {k: f["track_a/" + k][:] for k in ("pairs", "pearson", "cosine", "mad", "full_cosine")}
            self.b = {k: f["track_b/" + k][:] for k in ("pairs", "pearson", "full_cosine")} if "track_b" in f else None
        self.members = {}
        for i, g in enumerate(self.song_of_map):
            self.members.setdefault(int(g), []).append(i)

    def maps_of(self, pair_row):
        g, a, b = (int(v) for v in pair_row)
        return g, self.members[g][a], self.members[g][b]

    def label(self, m):
        return f"{self.creators[m]} [{self.versions[m]}]"

    def per_song(self):
        """Mean Track A (and B) full cosine over each song's pairs, as rows."""
        songs = {}
        for p, row in enumerate(self.a["pairs"]):
            songs.setdefault(int(row[0]), {"a": [], "b": []})["a"].append(float(self.a["full_cosine"][p]))
        if self.b is not None:
            for p, row in enumerate(self.b["pairs"]):
                songs.setdefault(int(row[0]), {"a": [], "b": []})["b"].append(float(self.b["full_cosine"][p]))
        rows = []
        for g, v in sorted(songs.items()):
            rows.append({"song": self.run.song_name(g), "group": g, "pairs": len(v["a"]),
                         "mappers": len(self.members.get(g, [])),
                         "track_a_cosine": float(np.mean(v["a"])) if v["a"] else None,
                         "track_b_cosine": float(np.mean(v["b"])) if v["b"] else None})
        return rows

    def median_pair(self):
        """The pair of typical agreement (median Track A full cosine): what most pairs look like."""
        fc = self.a["full_cosine"]
        if len(fc) == 0:
            return None
        return int(np.argsort(fc, kind="stable")[len(fc) // 2])

    def window(self, maps, length=None):
        """The maps' signals over one common window, starting a second before the first note of any."""
        n = int(min(self.frames[m] for m in maps))
        length = length or int(SIGNAL_WINDOW_SECONDS / FRAME_SECONDS)
        with self.run.open_h5() as f:
            sig = f["encodings/signal"]
            full = [sig[:, int(self.offsets[m]):int(self.offsets[m]) + n] for m in maps]
        # ONSET is 1 until the first note (2 s or more since an event), so the first note is where it drops.
        onsets = np.nonzero(np.any([x[0] < 1.0 for x in full], axis=0))[0]
        start = max(0, int(onsets[0]) - int(1.0 / FRAME_SECONDS)) if len(onsets) else 0
        start = max(0, min(start, n - length))
        return start, [x[:, start:start + length] for x in full]

    def song_signals(self, songs=SIGNAL_SONGS, pool=SIGNAL_POOL):
        """For the page: each song's charts over the window, pooled so a song stays a few kB.
        Event rows keep their minimum over `pool` frames (a note, −1, is never lost); cursor rows the mean."""
        out = []
        for g in sorted(self.members)[:songs]:
            maps = self.members[g]
            start, xs = self.window(maps)
            usable = (xs[0].shape[1] // pool) * pool
            if usable == 0:
                continue
            entry = {"song": self.run.song_name(g), "group": g, "start_s": start * FRAME_SECONDS,
                     "step_s": pool * FRAME_SECONDS, "pool": pool, "maps": []}
            for m, x in zip(maps, xs):
                blocks = x[:, :usable].reshape(x.shape[0], -1, pool)
                pooled = np.concatenate([blocks[:7].min(axis=2), blocks[7:].mean(axis=2)])
                entry["maps"].append({"label": self.label(m), "signal": pack_signal(pooled)})
            out.append(entry)
        return out
