"""``cdop sample OUT_DIR``: write the bundled sample data."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from cdop.errors import CdopError
from cdop.sample import SAMPLE_SEED, write_sample

__all__ = ["register"]


def register(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser(
        "sample",
        help="write the sample data as CSV files",
        description="Write the fictional sample panel (notifications, reviews, births, "
        "population) as CSV files, to try the library or to see the expected layout.",
    )
    parser.add_argument(
        "out_dir", help="folder to write into (created if needed; no file in it is replaced)"
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=SAMPLE_SEED,
        help=f"random seed (default {SAMPLE_SEED}, the bundled sample)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        paths = write_sample(args.out_dir, seed=args.seed)
    except CdopError as exc:
        sys.stderr.write(f"cdop sample: {exc}\n")
        return 2
    for path in paths:
        sys.stdout.write(f"wrote {path}\n")
    return 0
