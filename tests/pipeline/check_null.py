#!/usr/bin/env python3
"""The null (cross-song) baseline in cartography.h5, checked independently with numpy.

check_null.py RUN [OTHER_RUN ...]

For RUN: every null pair compares two maps of different songs; it stands beside the real pair
its `real_pair` names (same song and first member); it is cut to the shorter of the two songs'
common lengths (Track B: of the common latent lengths), as real pairs are cut to their song's
shortest member; and its statistics, recomputed here with numpy from the arrays of the same
file (np.corrcoef, np.mean(np.abs), dot/norm), match the stored ones: float64 arithmetic at
1e-9, Track B cosines (float32 dot products, whose rounding depends on the BLAS) at 1e-5.
For each OTHER_RUN (another rank count): every /controls/null array is identical to RUN's.
"""
import sys

import h5py
import numpy as np

TIGHT, FLOAT32 = 1e-9, 1e-5


def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)


def pearson(a, b):
    if len(a) < 2 or np.std(a) == 0 or np.std(b) == 0:
        return 0.0
    return float(np.corrcoef(a.astype(np.float64), b.astype(np.float64))[0, 1])


def cosine(a, b):
    na, nb = np.linalg.norm(a), np.linalg.norm(b)
    return 0.0 if na == 0 or nb == 0 else float(np.dot(a, b) / (na * nb))


def frame_cosine(a, b, stride):
    return float(np.mean([cosine(a[:, t], b[:, t]) for t in range(0, a.shape[1], stride)]))


def close(got, want, tol, what):
    if not np.allclose(got, want, rtol=tol, atol=tol):
        fail(f"{what}: stored {got} vs numpy {want}")


class Maps:
    def __init__(self, f):
        m = f["maps"]
        self.song = m["song_group_idx"][:]
        self.frames, self.frame_off = m["frames"][:], m["frame_offset"][:]
        self.lat_frames, self.lat_off = m["latent_frames"][:], m["latent_offset"][:]
        self.signal = f["encodings/signal"]
        self.mu = f["latents/mu"] if "latents/mu" in f else None

    def row(self, song, member):
        rows = np.flatnonzero(self.song == song)
        if member >= len(rows):
            fail(f"no map {member} in song {song}")
        return int(rows[member])

    def common(self, song, latent=False):
        lengths = (self.lat_frames if latent else self.frames)[self.song == song]
        return int(lengths.min())

    def encoding(self, r, n):
        o = self.frame_off[r]
        return self.signal[:, o:o + n]

    def latent(self, r, n):
        o = self.lat_off[r]
        return self.mu[:, o:o + n]


def check_pair_identity(pair, real, n, maps, latent):
    sa, ma, sb, mb = (int(v) for v in pair)
    if sa == sb:
        fail(f"null pair {pair} compares a song with itself")
    if (real[0], real[1]) != (sa, ma):
        fail(f"null pair {pair} stands beside real pair {real}: not its first map")
    want = min(maps.common(sa, latent), maps.common(sb, latent))
    if n != want:
        fail(f"null pair {pair}: {n} frames, expected min of the songs' common lengths {want}")
    return maps.row(sa, ma), maps.row(sb, mb)


def check_track_a(f, maps):
    g = f["controls/null"]
    pairs, real_idx, frames = g["pairs"][:], g["real_pair"][:], g["frames"][:]
    real = f["track_a/pairs"][:]
    for i, pair in enumerate(pairs):
        n = int(frames[i])
        ra, rb = check_pair_identity(pair, real[real_idx[i]], n, maps, False)
        a, b = maps.encoding(ra, n), maps.encoding(rb, n)
        close(g["track_a_pearson"][i], [pearson(a[d], b[d]) for d in range(9)], TIGHT, f"pair {i} pearson")
        close(g["track_a_mad"][i], [np.mean(np.abs(a[d] - b[d])) for d in range(9)], TIGHT, f"pair {i} mad")
        close(g["track_a_cosine"][i], [cosine(a[d], b[d]) for d in range(9)], TIGHT, f"pair {i} cosine")
        close(g["track_a_full_cosine"][i], frame_cosine(a, b, 10), TIGHT, f"pair {i} full cosine")
    return len(pairs)


def check_track_b(f, maps):
    g = f["controls/null"]
    if maps.mu is None:
        if "track_b_pairs" in g:
            fail("Track B null tables in a run without latents")
        return 0
    pairs, real_idx, frames = g["track_b_pairs"][:], g["track_b_real_pair"][:], g["track_b_frames"][:]
    real = f["track_b/pairs"][:]
    for i, pair in enumerate(pairs):
        n = int(frames[i])
        ra, rb = check_pair_identity(pair, real[real_idx[i]], n, maps, True)
        a, b = maps.latent(ra, n), maps.latent(rb, n)
        dims = a.shape[0]
        close(g["track_b_pearson"][i], [pearson(a[d], b[d]) for d in range(dims)], TIGHT, f"B pair {i} pearson")
        close(g["track_b_cosine"][i], [cosine(a[d], b[d]) for d in range(dims)], FLOAT32, f"B pair {i} cosine")
        close(g["track_b_full_cosine"][i], frame_cosine(a, b, max(1, n // 100)), FLOAT32, f"B pair {i} full")
    # Every real Track B pair whose null partner's song has latents gets one.
    if len(pairs) == 0 and len(real) > 0:
        fail("no Track B null pair in a run with Track B pairs")
    return len(pairs)


def same_arrays(run, other):
    with h5py.File(f"{run}/cartography.h5") as a, h5py.File(f"{other}/cartography.h5") as b:
        ga, gb = a["controls/null"], b["controls/null"]
        if sorted(ga) != sorted(gb):
            fail(f"{other}: /controls/null holds {sorted(gb)}, {run} {sorted(ga)}")
        for name in ga:
            x, y = ga[name][:], gb[name][:]
            if x.shape != y.shape or x.dtype != y.dtype or x.tobytes() != y.tobytes():
                fail(f"{other}: /controls/null/{name} differs from {run}'s")
        return len(ga)


def main():
    if len(sys.argv) < 2:
        fail(__doc__)
    run = sys.argv[1]
    with h5py.File(f"{run}/cartography.h5") as f:
        if f.attrs["complete"] != 1:
            fail(f"{run}/cartography.h5 is not complete")
        maps = Maps(f)
        na = check_track_a(f, maps)
        nb = check_track_b(f, maps)
        if na != len(f["track_a/pairs"]):
            fail(f"{na} null pairs for {len(f['track_a/pairs'])} real pairs")
    print(f"{run}: {na} Track A and {nb} Track B null pairs match numpy")
    for other in sys.argv[2:]:
        print(f"{other}: {same_arrays(run, other)} /controls/null arrays identical")


if __name__ == "__main__":
    main()
