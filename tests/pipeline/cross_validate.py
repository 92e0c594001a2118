#!/usr/bin/env python3
"""`cartography cross-validate` end to end on synthetic corpora (`cartography synth`), with the
two models given (--full-checkpoint, --cv-checkpoint: no training), under mpirun -n 1 and -n 2,
and once with both models trained (tiny config, a few steps).

Checks, from sources other than the command's own code:
  - the subsets: <out>/subsets/cv_train links exactly the archives of the songs that the synth
    manifest (the generator's ground truth) gives exactly two distinct creators, subsets/test
    those with three or more; the links reach the dataset's files;
  - cv_comparison.json: each block equals the fields of its run's track_b_results.json, the deltas
    are (cv - base) / |base| * 100, the verdict follows the documented 5 % rule;
  - track_b_cv.json: the cv_test run's Track B fields, and the cv checkpoint's file name;
  - the cv_test run indexed only 3+-mapper songs; each run used its model and dataset (cartography.h5);
  - both files byte-identical for -n 1 and -n 2;
  - errors: no 2-mapper song, no 3+-mapper song, a missing checkpoint, a checkpoint that is not one
    (the stale results of an earlier job are gone then);
  - trained: the runs used <out>/full's and <out>/cv's best.ckpt, and each training's metrics.csv
    equals that of `cartography fit-latent` run alone on the whole dataset / on subsets/cv_train
    (same losses at every step: the cv model saw exactly the 2-mapper songs).

usage: cross_validate.py <cartography> <work_dir> <full_ckpt> <cv_ckpt> <tiny_config>
"""
import collections
import json
import os
import shutil
import subprocess
import sys

import h5py  # Debian's python3

CARTO, WORK, FULL_CKPT, CV_CKPT, TINY_CONFIG = sys.argv[1:6]
ENV = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
           OMPI_MCA_rmaps_base_oversubscribe="1")
failures = []


def check(ok, what):
    if not ok:
        failures.append(what)
        print("FAIL:", what)


def synth(name, *args):
    out = os.path.join(WORK, name)
    shutil.rmtree(out, ignore_errors=True)
    subprocess.run([CARTO, "synth", out, "--duration", "5", "-j", "2", "-q", *args], check=True)
    return out


def cross_validate(ranks, dataset, out, *args):
    cmd = ["mpirun", "--oversubscribe", "-n", str(ranks), CARTO, "cross-validate", dataset, "--out", out,
           "--progress-seconds", "5", *args]
    p = subprocess.run(cmd, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=500)
    return p.returncode, p.stdout


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def songs_by_creators(dataset):
    """song index -> (distinct creators, archive files), from the generator's manifest."""
    creators, files = collections.defaultdict(set), collections.defaultdict(list)
    for a in load(os.path.join(dataset, "synth_manifest.json"))["archives"]:
        creators[a["song"]].add(a["creator"])
        files[a["song"]].append(a["file"])
    return {s: (len(creators[s]), files[s]) for s in creators}


def block(track_b):
    top = track_b["dim_ranking"][0]
    return {"full_cosine_mean": track_b["full_cosine_mean"], "top_dim": top["dim"], "top_pearson": top["pearson_mean"],
            "pairs": track_b["pairs_compared"], "songs": track_b["songs_analyzed"]}


def delta(base, cv):
    absolute = cv["full_cosine_mean"] - base["full_cosine_mean"]
    percent = absolute / abs(base["full_cosine_mean"]) * 100
    verdict = "\u2713 HOLDS" if percent >= -5 else "\u2717 DOES NOT HOLD"
    return absolute, percent, verdict


def check_job(dataset, out, songs, full_ckpt=FULL_CKPT, cv_ckpt=CV_CKPT):
    track_b = {r: load(os.path.join(out, "runs", r, "results/track_b/track_b_results.json"))
               for r in ("original", "cv_test", "full_on_test")}
    cmp_ = load(os.path.join(out, "cv_comparison.json"))
    check(list(cmp_)[:3] == ["original", "cv_test", "delta"], "the seed's keys come first")
    for key, run in (("original", "original"), ("cv_test", "cv_test"), ("full_model_on_test", "full_on_test")):
        check(cmp_[key] == block(track_b[run]), f"{out}: {key} block equals runs/{run}'s track_b_results.json")
    for key, base in (("delta", "original"), ("delta_vs_full_on_test", "full_model_on_test")):
        absolute, percent, verdict = delta(cmp_[base], cmp_["cv_test"])
        d = cmp_[key]
        check(d["cosine_absolute"] == absolute and d["cosine_percent"] == percent, f"{out}: {key} numbers")
        check(d["verdict"].startswith(verdict) and "\u2014" in d["verdict"], f"{out}: {key} verdict {d['verdict']}")
    two = [s for s, (n, _) in songs.items() if n == 2]
    more = [s for s, (n, _) in songs.items() if n >= 3]
    check(cmp_["split"] == {"cv_train_songs": len(two), "cv_train_archives": sum(len(songs[s][1]) for s in two),
                            "test_songs": len(more), "test_archives": sum(len(songs[s][1]) for s in more)},
          f"{out}: split sizes {cmp_['split']}")

    cv = load(os.path.join(out, "track_b_cv.json"))
    t = track_b["cv_test"]
    check(list(cv) == ["description", "checkpoint", "test_songs", "pairs_compared", "full_cosine_mean",
                       "full_cosine_std", "dim_summary", "dim_ranking"], "track_b_cv.json keys are the seed's")
    named = os.path.relpath(cv_ckpt, out) if cv_ckpt.startswith(out + os.sep) else os.path.basename(cv_ckpt)
    check(cv["checkpoint"] == named, f"track_b_cv.json names the cv checkpoint {named}: {cv['checkpoint']}")
    check((cv["test_songs"], cv["pairs_compared"], cv["full_cosine_mean"], cv["full_cosine_std"]) ==
          (t["songs_analyzed"], t["pairs_compared"], t["full_cosine_mean"], t["full_cosine_std"]), "track_b_cv.json totals")
    check(cv["dim_summary"] == {d: {k: s[k] for k in ("pearson_mean", "pearson_std", "n_pairs")}
                                for d, s in t["dim_summary"].items()}, "track_b_cv.json dim_summary")
    check(cv["dim_ranking"] == [{"dim": r["dim"], "pearson_mean": r["pearson_mean"]} for r in t["dim_ranking"]],
          "track_b_cv.json dim_ranking")

    # The subsets against the manifest, the links against the dataset.
    for folder, wanted in (("cv_train", two), ("test", more)):
        path = os.path.join(out, "subsets", folder)
        names = sorted(os.listdir(path))
        check(names == sorted(f for s in wanted for f in songs[s][1]), f"{out}: subsets/{folder} = {names}")
        for n in names:
            check(os.path.islink(os.path.join(path, n)) and
                  os.path.samefile(os.path.join(path, n), os.path.join(dataset, n)), f"{folder}/{n} links the archive")
    index = load(os.path.join(out, "runs/cv_test/data/multi_mapper_index.json"))
    check(len(index) == len(more) and all(g["num_mappers"] >= 3 for g in index), "cv_test indexed the 3+ songs only")
    # Each run's model and dataset, as its cartography.h5 records them.
    for run, ckpt, data in (("original", full_ckpt, dataset), ("cv_test", cv_ckpt, os.path.join(out, "subsets/test")),
                            ("full_on_test", full_ckpt, os.path.join(out, "subsets/test"))):
        with h5py.File(os.path.join(out, "runs", run, "cartography.h5"), "r") as f:
            used = (f.attrs["checkpoint"].decode(), f.attrs["dataset_dir"].decode())
        check(os.path.samefile(used[0], ckpt) and os.path.samefile(used[1], data), f"{out}: runs/{run} used {used}")


def expect_failure(ranks, dataset, out, needle, *args):
    rc, text = cross_validate(ranks, dataset, out, *args)
    check(rc != 0, f"{needle}: exit code {rc}")
    check(needle in text, f"'{needle}' in the output:\n{text[-2000:]}")
    check(not os.path.exists(os.path.join(out, "cv_comparison.json")), f"{needle}: no cv_comparison.json")
    check(not os.path.exists(os.path.join(out, "track_b_cv.json")), f"{needle}: no track_b_cv.json")


def check_trained(dataset, songs):
    """Trained models: cross-validate trains with fit-latent --deterministic, so -n 1 and -n 2 give
    the same models and both result files byte for byte; each model equals fit-latent alone."""
    steps = ["--config", TINY_CONFIG, "--max-steps", "4"]
    outs = {}
    for n in (1, 2):
        outs[n] = os.path.join(WORK, f"trained_n{n}")
        rc, text = cross_validate(n, dataset, outs[n], *steps, "--no-controls")
        check(rc == 0, f"trained -n {n}: exit code {rc}:\n{text[-3000:]}")
        if rc != 0:
            return
    out = outs[1]
    full, cv = (os.path.join(out, m, "checkpoints/best.ckpt") for m in ("full", "cv"))
    check_job(dataset, out, songs, full, cv)
    for f in ("cv_comparison.json", "track_b_cv.json"):
        a, b = (open(os.path.join(outs[n], f), "rb").read() for n in (1, 2))
        check(a == b, f"trained: {f} byte-identical for -n 1 and -n 2")
    for model, data in (("full", dataset), ("cv", os.path.join(out, "subsets/cv_train"))):
        alone = os.path.join(WORK, f"fit_alone_{model}")
        subprocess.run([CARTO, "fit-latent", data, "--out", alone, "--deterministic",
                        "--progress-seconds", "5", *steps], env=ENV, check=True, stdout=subprocess.DEVNULL)
        a, b = (open(os.path.join(d, "metrics.csv"), "rb").read() for d in (alone, os.path.join(out, model)))
        check(a == b and len(a.splitlines()) > 1, f"trained: {model}/metrics.csv equals fit-latent alone on {data}")


def main():
    os.makedirs(WORK, exist_ok=True)
    models = ["--full-checkpoint", FULL_CKPT, "--cv-checkpoint", CV_CKPT, "--no-controls", "--seed", "5"]
    # 1-mapper songs (in neither subset), 2-mapper songs (one with three archives), 3- and 4-mapper songs.
    dataset = synth("corpus", "--songs", "12", "--seed", "11", "--min-mappers", "1", "--max-mappers", "4")
    songs = songs_by_creators(dataset)
    counts = collections.Counter(min(n, 3) for n, _ in songs.values())
    check(counts[1] > 0 and counts[2] > 0 and counts[3] > 0, f"the corpus has 1-, 2- and 3+-mapper songs: {counts}")
    outs = {}
    for n in (1, 2):
        outs[n] = os.path.join(WORK, f"cv_n{n}")
        rc, text = cross_validate(n, dataset, outs[n], *models)
        check(rc == 0, f"-n {n} exit code {rc}:\n{text[-3000:]}")
        if rc == 0:
            check_job(dataset, outs[n], songs)
    for f in ("cv_comparison.json", "track_b_cv.json"):
        a, b = (open(os.path.join(outs[n], f), "rb").read() if os.path.exists(os.path.join(outs[n], f)) else None
                for n in (1, 2))
        check(a is not None and a == b, f"{f} byte-identical for -n 1 and -n 2")

    # Errors: each names why; none leaves result files (the stale ones of the job above go too).
    only_three = synth("only_three", "--songs", "3", "--seed", "2", "--min-mappers", "3", "--max-mappers", "4")
    expect_failure(2, only_three, outs[2], "no song has exactly two mappers", *models)  # over -n 2's results
    only_two = synth("only_two", "--songs", "3", "--seed", "2", "--min-mappers", "2", "--max-mappers", "2")
    expect_failure(1, only_two, os.path.join(WORK, "err_no_three"), "no song has three or more mappers", *models)
    expect_failure(1, dataset, os.path.join(WORK, "err_missing"), "--full-checkpoint: checkpoint",
                   "--full-checkpoint", os.path.join(WORK, "no_such.ckpt"), "--cv-checkpoint", CV_CKPT)
    garbage = os.path.join(WORK, "garbage.ckpt")
    with open(garbage, "wb") as f:
        f.write(b"not a checkpoint")
    expect_failure(2, dataset, outs[1], "garbage.ckpt", "--full-checkpoint", FULL_CKPT, "--cv-checkpoint", garbage,
                   "--no-controls")

    check_trained(dataset, songs)

    if failures:
        print(f"{len(failures)} check(s) failed")
        return 1
    print("cross-validate: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
