#!/usr/bin/env python3
"""Entry point of the report stage, run by `cartography report|compare` and at the end of `run`."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from cartography_report.main import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
