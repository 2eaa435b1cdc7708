"""Argument types shared by the subcommands: a bad value gives argparse's one-line usage
error (exit code 2), never a traceback."""

from __future__ import annotations

import argparse

__all__ = ["positive_int"]


def positive_int(text: str) -> int:
    """A whole number of 1 or more.

    Examples
    --------
    >>> positive_int("2")
    2
    >>> positive_int("-1")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: expected a whole number of 1 or more, got '-1'
    """
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of 1 or more, got {text!r}")
    return value
