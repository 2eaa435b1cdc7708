"""The ``cdop`` command line: one module per subcommand.

``cdop report [--data DIR] [--year Y] [--out DIR] [--format md,html,docx,xlsx,csv]``
    Build the annual report chapter (the bundled sample when no data are given).
``cdop validate PATH``
    Check a folder of exports against the data contract; print every failure.
``cdop sample OUT_DIR``
    Write the bundled sample data as CSV files.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from cdop._version import __version__
from cdop.cli import _report, _sample, _validate

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cdop",
        description="Child Death Overview Panel analytics: validate exports and build the "
        "annual report chapter.",
    )
    parser.add_argument("--version", action="version", version=f"cdop {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in (_report, _validate, _sample):
        module.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (0 success, 1 failures found, 2 usage)."""
    parser = _parser()
    args = parser.parse_args(argv)
    code: int = args.run(args)
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
