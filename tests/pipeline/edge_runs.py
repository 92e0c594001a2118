#!/usr/bin/env python3
"""`cartography run` on folders that used to end a run with rc 1 and no summary, and on an --out
that an earlier run filled. Every case must end with rc 0, complete and valid outputs (strict
JSON, valid UTF-8, cartography.h5 complete) and a summary that lists every skip:

  empty         an empty folder
  single        one archive: no multi-mapper song
  all-bad       every archive unreadable
  non-utf8      archive file names that are not UTF-8 (one of them in a song group)
  not-regular   a FIFO and a folder named *.osz beside good archives (never opened, counted)
  rerun         a Track-A-only run into the --out of a full run: exactly its own files remain,
                and files this program did not write are left alone

    edge_runs.py <cartography> <corpus_small> <checkpoint> <work dir>
"""
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from strict_json import all_finite, load_strict  # noqa: E402

failures = []
OUTPUTS_A = ["data/multi_mapper_index.json", "data/beatmap_registry.json", "data/encoding_manifest.json",
             "results/track_a/track_a_results.json", "run_summary.json", "cartography.h5"]
OUTPUTS_B = ["data/latent_manifest.json", "results/track_b/track_b_results.json",
             "results/synthesis/synthesis_results.json", "results/synthesis/synthesis_v2.json"]


def fail(case, msg):
    failures.append(f"{case}: {msg}")
    print(f"FAIL: {case}: {msg}")


def run(binary, dataset, out, *extra):
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
    p = subprocess.run([binary, "run", dataset, "--out", out, "--progress-seconds", "30", *extra],
                       capture_output=True, timeout=300, env=env)
    return p.returncode, (p.stdout + p.stderr).decode("utf-8", "replace")


def h5_complete(path):
    try:
        import h5py  # noqa: PLC0415
        with h5py.File(path, "r") as f:
            return int(f.attrs["complete"]) == 1
    except ImportError:
        out = subprocess.run(["h5dump", "-a", "/complete", path], capture_output=True, text=True, timeout=60)
        return "(0): 1" in out.stdout


def check_complete(case, out, rc, log, with_latents):
    if rc != 0:
        fail(case, f"rc {rc}: {log[-800:]}")
        return None
    docs = {}
    for rel in OUTPUTS_A + (OUTPUTS_B if with_latents else []):
        path = os.path.join(out, rel)
        if not os.path.exists(path):
            fail(case, f"missing {rel}")
            continue
        if rel.endswith(".json"):
            try:
                docs[rel] = load_strict(path)  # strict: valid UTF-8, no NaN/Infinity
            except (ValueError, UnicodeDecodeError) as e:
                fail(case, f"{rel} is not strict JSON: {e}")
                continue
            if not all_finite(docs[rel]):
                fail(case, f"{rel} holds a non-finite number")
        elif not h5_complete(path):
            fail(case, "cartography.h5 is not marked complete")
    for leftover in ["cartography.h5.partial", "progress"]:
        if os.path.exists(os.path.join(out, leftover)):
            fail(case, f"{leftover} left behind by a finished run")
    return docs.get("run_summary.json")


def skips_naming(summary, text):
    return [s for s in summary["skips"] if text in s["subject"] or text in s["reason"]]


def main():
    binary, corpus, ckpt, work = sys.argv[1:5]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    good = sorted(f for f in os.listdir(corpus) if f.endswith(".osz"))

    def folder(name, files=()):
        d = os.path.join(work, name)
        os.makedirs(d)
        for f in files:
            shutil.copy(os.path.join(corpus, f), os.path.join(d, f))
        return d

    # empty, single, all-bad: every stage, nothing to analyse.
    for case, d in [("empty", folder("empty")), ("single", folder("single", good[:1]))]:
        out = os.path.join(work, case + "_out")
        summary = check_complete(case, out, *run(binary, d, out, "--checkpoint", ckpt), True)
        if summary and summary["groups"]["multi_mapper"] != 0:
            fail(case, f"groups: {summary['groups']}")
    d = folder("all_bad")
    for name, data in [("1.osz", b"not a zip"), ("2.osz", b""), ("3.osz", b"PK\x05\x06" + b"\0" * 18)]:
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)
    out = os.path.join(work, "all_bad_out")
    summary = check_complete("all-bad", out, *run(binary, d, out, "--checkpoint", ckpt), True)
    if summary:
        for name in ["1.osz", "2.osz", "3.osz"]:
            if not [s for s in summary["skips"] if s["subject"] == name and s["stage"] == "index"]:
                fail("all-bad", f"no index skip for {name}: {summary['skips']}")

    # Names that are not UTF-8: one archive of a song group renamed, one garbage archive.
    d = folder("non_utf8", good)
    renamed = b"\xff\xfe" + good[0].encode()
    os.rename(os.path.join(d, good[0]).encode(), os.path.join(d.encode(), renamed))
    with open(os.path.join(d.encode(), b"bad\xe9name.osz"), "wb") as f:
        f.write(b"garbage")
    out = os.path.join(work, "non_utf8_out")
    summary = check_complete("non-utf8", out, *run(binary, d, out, "--checkpoint", "none"), False)
    if summary:
        listed = {n["bytes"]: n["shown_as"] for n in summary["non_utf8_file_names"]}
        want = {"\\xFF\\xFE" + good[0]: "\ufffd\ufffd" + good[0], "bad\\xE9name.osz": "bad\ufffdname.osz"}
        if listed != want:
            fail("non-utf8", f"non_utf8_file_names {listed} != {want}")
        if not [s for s in summary["skips"] if s["subject"] == "bad\ufffdname.osz"]:
            fail("non-utf8", "the garbage archive with a non-UTF-8 name is not listed as a skip")
        index = load_strict(os.path.join(out, "data/multi_mapper_index.json"))
        names = [s["filename"] for g in index for s in g["beatmapsets"]]
        if "\ufffd\ufffd" + good[0] not in names:
            fail("non-utf8", "the renamed archive is not in its song group")

    # A FIFO and a folder named *.osz: counted and listed, never opened (a FIFO would block).
    d = folder("not_regular", good)
    os.mkfifo(os.path.join(d, "fifo.osz"))
    os.mkdir(os.path.join(d, "folder.osz"))
    out = os.path.join(work, "not_regular_out")
    summary = check_complete("not-regular", out, *run(binary, d, out, "--checkpoint", "none"), False)
    if summary:
        if summary["archives"]["seen"] != len(good) + 2:
            fail("not-regular", f"archives seen {summary['archives']['seen']}, expected {len(good) + 2}")
        for name, kind in [("fifo.osz", "is a FIFO"), ("folder.osz", "is a folder")]:
            if not [s for s in summary["skips"] if s["subject"] == name and kind in s["reason"]]:
                fail("not-regular", f"no skip '{kind}' for {name}")

    # A Track-A-only run into the --out of a full run: the full run's Track B and synthesis files
    # go; a file of the user's stays, in --out and inside data/.
    out = os.path.join(work, "rerun_out")
    check_complete("rerun (full)", out, *run(binary, corpus, out, "--checkpoint", ckpt), True)
    for mine in ["notes.txt", "data/my_notes.txt"]:
        with open(os.path.join(out, mine), "w") as f:
            f.write("the user's\n")
    check_complete("rerun (Track A)", out, *run(binary, corpus, out, "--checkpoint", "none"), False)
    for rel in OUTPUTS_B:
        if os.path.exists(os.path.join(out, rel)):
            fail("rerun", f"{rel} of the earlier full run is still there")
    for d in ["results/track_b", "results/synthesis"]:
        if os.path.exists(os.path.join(out, d)):
            fail("rerun", f"empty folder {d} of the earlier run is still there")
    for mine in ["notes.txt", "data/my_notes.txt"]:
        if not os.path.exists(os.path.join(out, mine)):
            fail("rerun", f"{mine} (not ours) was removed")

    print(f"{len(failures)} failure(s)" if failures else "all edge runs complete and valid")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
