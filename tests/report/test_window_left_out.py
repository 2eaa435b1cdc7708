"""Which sections' tables of a pooled window are left out when the window cannot be
published beside its years' counts (:func:`cdop.report._history._lighter`), and how a
chapter leaves out one section's window tables only.

The search is tested on its own with a stand-in for the window's block: a rule says which
sets of sections left out let the window be published. The expected sets are worked out
by hand from the order the docs give (docs/disclosure.md, "A window that cannot be
published beside its years"): one section alone, the one printing fewest of the window's
counts first; otherwise sections added in that order, then each put back, the one
printing most first, that the window can keep.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

import cdop
from cdop.disclosure import CellKey
from cdop.report import _history
from cdop.report._tables import Disclosure
from cdop.report.sections import SECTIONS, Context
from cdop.report.sections._base import DIM, plan_sections

WINDOW = frozenset({"2020/21", "2021/22", "2022/23"})


@dataclass
class _Section:
    id: str
    restates: bool = False


@dataclass
class _Source:
    """A chapter whose sections registered ``printed[id]`` counts of the window first
    (and one count of a single year each)."""

    printed: dict[str, int]
    asked: list[frozenset[str]] = field(default_factory=list)

    def registered_by(self, section: str) -> tuple[CellKey, ...]:
        window = [
            CellKey.of("reviewed", year=WINDOW, category=str(i))
            for i in range(self.printed.get(section, 0))
        ]
        return (CellKey.of("reviewed", year="2022/23", category=section), *window)


def _search(
    monkeypatch: pytest.MonkeyPatch,
    printed: dict[str, int],
    publishable: Callable[[frozenset[str]], bool],
    restating: tuple[str, ...] = (),
) -> tuple[frozenset[str] | None, list[frozenset[str]]]:
    """The sections ``_lighter`` leaves out, and the sets it tried, in order."""
    tried: list[frozenset[str]] = []

    def planned(ctx: Any, year: int, sections: Any, *, withheld: frozenset[str]) -> Any:
        assert year == 2022  # the window's last year
        assert not any(s.restates for s in sections)
        tried.append(withheld)
        return withheld

    def block(left_out: Any, window: frozenset[str], years: Any) -> dict[CellKey, Any]:
        assert window == WINDOW
        found = {CellKey.of("reviewed", year=WINDOW): (7, False)}
        if not publishable(left_out):
            found[_history._WITHHELD] = (0, True)
        return found

    monkeypatch.setattr(_history, "_planned", planned)
    monkeypatch.setattr(_history, "_window_block", block)
    sections = [_Section(s, restates=s in restating) for s in printed]
    found = _history._lighter(None, _Source(printed), WINDOW, {}, sections)  # type: ignore[arg-type]
    if found is None:
        return None, tried
    marked = frozenset(
        level
        for key in found
        if key.measure == _history._LEFT_OUT
        for level in key.levels("section") or ()
    )
    assert CellKey.of("reviewed", year=WINDOW) in found  # the block decided without them
    assert _history._WITHHELD not in found
    return marked, tried


def test_one_section_the_least_printed_first(monkeypatch: pytest.MonkeyPatch) -> None:
    # a prints 2 counts of the window, b 5, c 1, d none: tried c, a, then b (d never)
    printed = {"a": 2, "b": 5, "c": 1, "d": 0}
    left_out, tried = _search(monkeypatch, printed, lambda out: "b" in out)
    assert left_out == frozenset({"b"})
    assert tried == [{"c"}, {"a"}, {"b"}]


def test_equal_counts_in_the_chapters_order(monkeypatch: pytest.MonkeyPatch) -> None:
    printed = {"x": 3, "y": 3}
    left_out, tried = _search(monkeypatch, printed, lambda out: bool(out))
    assert left_out == frozenset({"x"})
    assert tried == [{"x"}]


def test_several_sections_then_each_not_needed_put_back(monkeypatch: pytest.MonkeyPatch) -> None:
    # Publishable only without both a and b. Singles: c, a, b fail. Added in order:
    # {c}, {c, a}, {c, a, b} (publishable). Put back, most printed first: b (needed),
    # a (needed), c (not needed) -> {a, b}.
    printed = {"a": 2, "b": 5, "c": 1}
    left_out, tried = _search(monkeypatch, printed, lambda out: {"a", "b"} <= out)
    assert left_out == frozenset({"a", "b"})
    assert tried == [{"c"}, {"a"}, {"b"}, {"c", "a"}, {"c", "a", "b"}, {"c", "b"}, {"a", "b"}]
    assert len(tried) == len(set(tried))  # every set is decided once


def test_nothing_left_out_will_do(monkeypatch: pytest.MonkeyPatch) -> None:
    left_out, tried = _search(monkeypatch, {"a": 1, "b": 2}, lambda out: False)
    assert left_out is None  # the whole window is withheld
    assert tried[-1] == {"a", "b"}


def test_restating_sections_are_not_planned(monkeypatch: pytest.MonkeyPatch) -> None:
    printed = {"key_messages": 9, "a": 4}
    left_out, tried = _search(monkeypatch, printed, lambda out: "a" in out, ("key_messages",))
    assert left_out == frozenset({"a"})
    assert tried == [{"a"}]


def test_a_section_whose_window_tables_are_withheld_leaves_out_only_those() -> None:
    """On the bundled sample's 2024/25 chapter: leaving out the window tables of one
    section (categories: its table of modifiable factors by category over the window)
    keeps that section's yearly table, and every other section's window tables."""
    ds = cdop.load_sample()
    full = Context(ds=ds, year=2024, disclosure=Disclosure())
    plan_sections(full, SECTIONS)
    partial = Context(
        ds=ds, year=2024, disclosure=Disclosure(), window_withheld=frozenset({"categories"})
    )
    plan_sections(partial, SECTIONS)
    window = frozenset(full.pooled_years)

    def of_window(ctx: Context, section: str) -> set[CellKey]:
        return {k for k in ctx.registered_by(section) if k.levels(DIM.YEAR) == window}

    assert of_window(full, "categories") and not of_window(partial, "categories")
    yearly = {k for k in full.registered_by("categories") if k.levels(DIM.YEAR) != window}
    assert yearly and yearly == set(partial.registered_by("categories"))
    # the others print what they printed (and register first counts that categories
    # registered before them in the full plan)
    for section in ("age_groups", "deaths_by_ethnicity"):
        assert of_window(full, section) and of_window(full, section) <= of_window(partial, section)
    every = {k for k in full.counts.keys if k.levels(DIM.YEAR) == window}
    kept = {k for k in partial.counts.keys if k.levels(DIM.YEAR) == window}
    assert kept < every
    assert all(full.counts.places(k)[0].startswith("table category") for k in every - kept)
    reasons = {o.id: o for o in partial.omitted}
    assert "category_modifiable" in reasons and "category_modifiable" not in {
        o.id for o in full.omitted
    }
    assert "publishable beside" in reasons["category_modifiable"].line
