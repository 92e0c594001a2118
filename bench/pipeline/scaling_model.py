#!/usr/bin/env python3
"""Scaling model of `cartography run`: wall time and efficiency at 64 and 1024 ranks on a
40,000-archive folder, from the per-stage costs that bench/pipeline/balance.sh measured.

usage: /usr/bin/python3 bench/pipeline/scaling_model.py <balance work dir> [--archives 40000]
       [--track ckpt|none] [--songs 80]

Measured (from <work>/summaries/<track>_{static,dynamic}_n{1,2}.json, the corpus, its outputs):
  per-archive metadata scan, rank-0 listing+planning, per-byte group work (busy_s of the
  -n 1 run, or of the -n 2 run with --work-run 2), the largest group, gather bytes per group,
  rank-0 merge per group, rank-0 JSON/synthesis/HDF5 write per group, HDF5 bytes per archive.
Assumed (cluster figures, flags below): message latency, bandwidth into rank 0, file-system
  bandwidth, cost of one collective HDF5 write round, one remote fetch-and-add.
Model, p ranks, A archives, G groups (G/A as measured), W total group work:
  index  = listing+plan(A) [rank 0] + scan(A)/p + gather of scans (A*48 B at bw, p*lat)
  groups = max(W/p + (G/p)*fetch, largest group)          [dynamic dispatch]
  reduce = p*lat + gather bytes/bw + merge(G)             [rank 0]
  write  = JSON+synthesis(G) [rank 0] + HDF5 bytes/fs_bw + rounds(p)*round_s*log2(p)
           (the measured per-group write includes the -n 1 run's own HDF5 write: an upper bound;
           rounds: cartography.h5's arrays go in collective rounds of at most 16 MiB per rank)
Everything but scan and W is serial or grows with p: those bound the speedup.
No numpy: plain Python 3.
"""
import argparse
import json
import math
import os


def load(work, name):
    with open(os.path.join(work, "summaries", name + ".json")) as f:
        return json.load(f)["timing"]


def group_bytes(work, out_name, corpus):
    """Archive bytes of every group of the index (the cost estimate the plan uses)."""
    with open(os.path.join(work, out_name, "data", "multi_mapper_index.json")) as f:
        index = json.load(f)
    return [sum(os.path.getsize(os.path.join(corpus, s["filename"])) for s in g["beatmapsets"]) for g in index]


def measure(work, track, songs, work_run):
    corpus = os.path.join(work, f"skew_{songs}")
    t1 = load(work, f"{track}_dynamic_n1")
    # At -n 1 both plans do the same work: the smaller of the two runs' stage times is the one
    # less disturbed by other processes on a shared machine.
    s1 = {k: min(v, load(work, f"{track}_static_n1")["stage_s"][k]) for k, v in t1["stage_s"].items()}
    t2 = load(work, f"{track}_dynamic_n2")
    out1 = os.path.join(work, f"out_{track}_dynamic_n1")
    archives = len([n for n in os.listdir(corpus) if n.endswith(".osz")])
    gb = group_bytes(work, f"out_{track}_dynamic_n1", corpus)
    # -n 1 may use two intra-op threads; -n 2 is one thread per rank, as on a full node, but on a
    # shared 2-core machine it also pays for the neighbours.
    work_s = sum(r["busy_s"] for r in (t1 if work_run == 1 else t2)["per_rank"])
    per_byte = work_s / sum(gb)
    # index(1) = serial + scan, index(2) = serial + scan/2: the scan is what spreads.
    i1, i2 = s1["index"], t2["stage_s"]["index"]
    scan = min(max(2 * (i1 - i2), 0.0), i1)
    return {
        "archives": archives,
        "groups": len(gb),
        "work_s_per_archive": work_s / archives,
        "largest_group_s": max(gb) * per_byte,
        "largest_group_mib": max(gb) / 2**20,
        "scan_s_per_archive": scan / archives,
        "serial_index_s_per_archive": (i1 - scan) / archives,
        "gather_bytes_per_group": sum(r.get("gather_bytes", 0) for r in t1["per_rank"]) / len(gb),
        "merge_s_per_group": s1["reduce"] / len(gb),
        "write_s_per_group": s1["write"] / len(gb),
        "h5_bytes_per_archive": os.path.getsize(os.path.join(out1, "cartography.h5")) / archives,
        "measured_wall_s": {n: load(work, f"{track}_dynamic_n{n}")["total_s"] for n in (1, 2, 4)},
    }


def predict(m, a, p, net):
    g = a * m["groups"] / m["archives"]
    index = a * m["serial_index_s_per_archive"] + a * m["scan_s_per_archive"] / p
    index += p * net.lat + a * 48 / net.bw
    work = a * m["work_s_per_archive"]
    groups = max(work / p + (g / p) * net.fetch, m["largest_group_s"])
    gather = g * m["gather_bytes_per_group"]
    reduce = p * net.lat + gather / net.bw + g * m["merge_s_per_group"]
    rounds = math.ceil(a * m["h5_bytes_per_archive"] / p / net.round_bytes)
    write = g * m["write_s_per_group"] + a * m["h5_bytes_per_archive"] / net.fs_bw
    write += rounds * net.round_s * math.log2(p)  # each collective round synchronises the ranks
    parts = {"index": index, "groups": groups, "reduce": reduce, "write": write}
    return sum(parts.values()), parts, gather


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("work")
    ap.add_argument("--archives", type=int, default=40000)
    ap.add_argument("--track", default="ckpt", choices=["ckpt", "none"])
    ap.add_argument("--songs", type=int, default=80)
    ap.add_argument("--work-run", type=int, default=1, choices=[1, 2], help="group work from the -n 1 or -n 2 run")
    ap.add_argument("--largest-group-s", type=float, help="override the largest group (a real archive's longest)")
    ap.add_argument("--lat", type=float, default=5e-6, help="message latency, s (InfiniBand ~2-5 us)")
    ap.add_argument("--bw", type=float, default=5e9, help="bandwidth into rank 0, B/s")
    ap.add_argument("--fs-bw", type=float, default=2e9, help="parallel file system write bandwidth, B/s")
    ap.add_argument("--round-s", type=float, default=1e-3, help="one collective HDF5 write round per log2(ranks), s")
    ap.add_argument("--round-bytes", type=float, default=16 * 2**20, help="bytes per rank per HDF5 write round")
    ap.add_argument("--fetch", type=float, default=1e-5, help="one remote MPI_Fetch_and_op, s")
    net = ap.parse_args()
    m = measure(net.work, net.track, net.songs, net.work_run)
    if net.largest_group_s is not None:
        m["largest_group_s"] = net.largest_group_s

    print(f"measured on {m['archives']} archives / {m['groups']} groups ({net.track}):")
    for k in ("work_s_per_archive", "scan_s_per_archive", "serial_index_s_per_archive", "largest_group_s",
              "largest_group_mib", "gather_bytes_per_group", "merge_s_per_group", "write_s_per_group",
              "h5_bytes_per_archive"):
        print(f"  {k:28} {m[k]:.4g}")
    print("check at the measured size (model / measured total_s):",
          ", ".join(f"n={n}: {predict(m, m['archives'], n, net)[0]:.2f} / {m['measured_wall_s'][n]:.2f}"
                    for n in (1, 2, 4)))
    print(f"\nmodel for {net.archives} archives (lat {net.lat:g} s, bw {net.bw:g} B/s, fs {net.fs_bw:g} B/s, "
          f"round {net.round_s:g} s, fetch {net.fetch:g} s):")
    base, _, _ = predict(m, net.archives, 1, net)
    print(f"{'ranks':>6} {'wall_s':>9} {'speedup':>8} {'effic':>6} {'index':>8} {'groups':>8} {'reduce':>8} "
          f"{'write':>8}  {'gather MiB':>10}  bound")
    for p in (1, 2, 4, 16, 64, 256, 1024):
        total, parts, gather = predict(m, net.archives, p, net)
        g = net.archives * m["groups"] / m["archives"]
        bound = "work/p"
        if parts["groups"] == m["largest_group_s"]:
            bound = "largest group"
        elif parts["groups"] < parts["index"] + parts["reduce"] + parts["write"]:
            bound = "rank-0 serial + write"
        print(f"{p:>6} {total:9.1f} {base / total:8.1f} {base / total / p:6.2f} {parts['index']:8.2f} "
              f"{parts['groups']:8.2f} {parts['reduce']:8.2f} {parts['write']:8.2f}  {gather / 2**20:10.1f}  {bound}")
    serial = (net.archives * m["serial_index_s_per_archive"] + g * (m["merge_s_per_group"] + m["write_s_per_group"]))
    print(f"\nrank-0 serial part (listing+plan, merge, JSON/synthesis/write): {serial:.1f} s; "
          f"work {net.archives * m['work_s_per_archive']:.0f} s; largest group {m['largest_group_s']:.1f} s; "
          f"speedup bound (Amdahl) {(serial + net.archives * m['work_s_per_archive']) / serial:.0f}x")


if __name__ == "__main__":
    main()
