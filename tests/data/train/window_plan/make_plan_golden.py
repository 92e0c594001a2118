"""Goldens for src/train/window_plan: the epoch plan and song split written out from their
specification (window_plan.hpp / training_data.hpp), independently of the C++:
  windows of a map: th.arange(0, L - seq_len + 1, seq_len) (the reference's BatchedSignalDataset)
  map order: Fisher-Yates driven by SplitMix64(derive_seed(seed, [1, epoch])) with Lemire's draws
  batches: consecutive batch_size windows, the last incomplete batch dropped
  split: songs shuffled with derive_seed(seed, [2, 0]); the first n are validation
Run with any python3 that has torch (for th.arange): /usr/bin/python3 make_plan_golden.py
"""
import json
import math
import pathlib

import torch as th

M = (1 << 64) - 1


def mix64(z):
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M
    return z ^ (z >> 31)


def derive_seed(seed, values):
    h = mix64(seed & M)
    for v in values:
        h = mix64(h ^ (v & M))
    return h


class SplitMix64:
    def __init__(self, seed):
        self.state = seed & M

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & M
        return mix64(self.state)

    def uniform_index(self, n):
        m = self.next() * n
        low = m & M
        if low < n:
            t = ((1 << 64) - n) % n
            while low < t:
                m = self.next() * n
                low = m & M
        return m >> 64


def shuffle(items, stream):
    rng = SplitMix64(stream)
    for i in range(len(items), 1, -1):
        j = rng.uniform_index(i)
        items[i - 1], items[j] = items[j], items[i - 1]
    return items


# The corpus: map m belongs to song SONG[m] and has FRAMES[m] frames.
FRAMES = [300, 1000, 64, 257, 999, 4096, 128, 127, 1500, 640, 2048, 333]
SONG = [0, 0, 1, 2, 2, 3, 4, 4, 5, 6, 7, 7]


def starts(frames, seq_len):
    # The reference's th.arange raises for L < seq_len - 1 (a negative end): its data loader would
    # die on such a map. Ours gives it no window, like L = seq_len - 1 (arange(0, 0) is empty).
    return th.arange(0, frames - seq_len + 1, seq_len) if frames - seq_len + 1 >= 0 else []


def plan(maps, seq_len, batch_size, seed, epoch):
    order = shuffle(list(maps), derive_seed(seed, [1, epoch]))
    windows = [[m, int(s)] for m in order for s in starts(FRAMES[m], seq_len)]
    batches = len(windows) // batch_size
    return {"maps": maps, "seq_len": seq_len, "batch_size": batch_size, "seed": seed, "epoch": epoch,
            "windows": windows[:batches * batch_size], "batches": batches,
            "dropped": len(windows) - batches * batch_size}


def split(val_size, seed):
    songs = max(SONG) + 1
    n = round(val_size) if val_size >= 1 else max(1, math.floor(val_size * songs))
    order = shuffle(list(range(songs)), derive_seed(seed, [2, 0]))
    val = sorted(order[:n])
    return {"val_size": val_size, "seed": seed, "val_songs": val,
            "train_maps": [m for m in range(len(SONG)) if SONG[m] not in val],
            "val_maps": [m for m in range(len(SONG)) if SONG[m] in val]}


def main():
    all_maps = list(range(len(FRAMES)))
    out = {"frames": FRAMES, "song": SONG,
           "plans": [plan(all_maps, 128, 4, 0, 0), plan(all_maps, 128, 4, 0, 1), plan(all_maps, 100, 3, 12345, 7),
                     plan([1, 4, 5, 8, 10], 256, 2, 2 ** 63 + 5, 2), plan(all_maps, 5000, 1, 1, 0)],
           "splits": [split(1, 0), split(2, 7), split(0.3, 99), split(0.01, 3), split(2.5, 11)]}
    (pathlib.Path(__file__).resolve().parent / "plans.json").write_text(json.dumps(out) + "\n")


if __name__ == "__main__":
    main()
