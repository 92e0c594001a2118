"""Subcommands of the report stage: report, tables, compare."""
import argparse
import os
import shutil
import sys

from .atomic_json import write_json
from .headline import headline, text_tables
from .run_files import Run, RunError

# A folder we made holds this file; only such a folder is ever replaced by a new report.
MARKER = ".cartography-report"
COMPARISON_NAME = "comparison_with_published.json"


class Context:
    """What every figure and the page draw from, read once."""

    def __init__(self, run, reference_dir):
        from .pairs import PairData
        from .published import comparison, load_published
        self.run = run
        self.head = headline(run)
        self.pairs = PairData(run)
        self.per_song = self.pairs.per_song()
        self.published = load_published(reference_dir)
        self.comparison = comparison(run, reference_dir)
        from .controls import load_controls
        self.controls = load_controls(run)
        self.reference_dir = os.path.abspath(reference_dir)


def _replace_dir(staged, out):
    """Moves the finished report into place; a folder that is not an earlier report is never removed."""
    if os.path.exists(out):
        if not os.path.exists(os.path.join(out, MARKER)) and os.listdir(out):
            raise RunError(f"{out}: exists and is not a cartography report; choose another --out")
        shutil.rmtree(out)
    os.replace(staged, out)


def cmd_report(args):
    from .figures import draw_all
    from .page import write_page
    run = Run(args.run_dir)
    out = os.path.abspath(args.out or os.path.join(run.dir, "report"))
    ctx = Context(run, args.reference)
    staged = f"{out}.partial-{os.getpid()}"
    shutil.rmtree(staged, ignore_errors=True)
    os.makedirs(staged)
    try:
        figures = draw_all(ctx, staged)
        write_json(os.path.join(staged, COMPARISON_NAME), ctx.comparison)
        write_page(ctx, staged, figures)
        open(os.path.join(staged, MARKER), "w").close()
        _replace_dir(staged, out)
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        raise
    if args.comparison_copy:
        write_json(args.comparison_copy, ctx.comparison)
    for f in figures:
        print(f"figure {os.path.join(out, f)}")
    print(f"comparison {os.path.join(out, COMPARISON_NAME)}")
    print(f"index {os.path.join(out, 'index.html')}")
    return 0


def cmd_tables(args):
    print(text_tables(headline(Run(args.run_dir)), args.report), end="")
    return 0


def cmd_compare(args):
    from .compare import compare_runs
    return compare_runs(Run(args.run_a), Run(args.run_b), args.tol, args.out, args.all)


def parser():
    p = argparse.ArgumentParser(prog="cartography report stage")
    sub = p.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("report")
    r.add_argument("run_dir")
    r.add_argument("--out")
    r.add_argument("--reference", required=True, help="folder of the published results (reference_results/)")
    r.add_argument("--comparison-copy", help="also write the comparison here (the run's results/ folder)")
    t = sub.add_parser("tables")
    t.add_argument("run_dir")
    t.add_argument("--report", help="where the report is, for the last line")
    c = sub.add_parser("compare")
    c.add_argument("run_a")
    c.add_argument("run_b")
    c.add_argument("--tol", type=float, default=1e-9)
    c.add_argument("--out", help="write every statistic side by side to this JSON file")
    c.add_argument("--all", action="store_true", help="print every statistic, not only the differences")
    return p


def main(argv):
    args = parser().parse_args(argv)
    try:
        return {"report": cmd_report, "tables": cmd_tables, "compare": cmd_compare}[args.cmd](args)
    except RunError as e:
        print(f"error: {e}", file=sys.stderr)
        return 3
    except OSError as e:
        # Writing the report (a read-only run folder, a full disk) or reading a file the checks passed.
        print(f"error: {e.filename or ''}: {e.strerror or e}", file=sys.stderr)
        return 3
    except (KeyError, IndexError, TypeError, ValueError) as e:
        # Past the layout checks: arrays of cartography.h5 that do not fit the JSON (e.g. a file
        # from another run copied in).
        print(f"error: {getattr(args, 'run_dir', '')}: the run's files do not fit together "
              f"({type(e).__name__}: {e})", file=sys.stderr)
        return 3
    except ImportError as e:
        print(f"error: the report needs Python 3 with matplotlib, numpy and h5py "
              f"(Debian: python3-matplotlib python3-h5py): {e}", file=sys.stderr)
        return 4
