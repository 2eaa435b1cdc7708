"""A year's block leaves room for the counts of the year after (cdop.report._history).

Found on the national benchmark data (area "Irevale", 150-area build): the block of
2020/21 hid its 4 open cases, shown safe because a reader could put them anywhere from 2
to 6 (the deaths notified, 6, bound the cases open up to 12 months). The block of
2021/22, decided a year later with 2020/21 fixed, then had two hidden counts of 1 (cases
open more than 12 months, reviews taking more than 12 months) whose sum is at most the
cases open a year before: each at most 5, whatever 2021/22 hid. The build stopped with
"disclosure control cannot protect 2 hidden count(s)".

The registers below are that situation by hand: the chapter of one year prints the year
before's counts beside its own, with the inequality the review progress section
declares between them.
"""

from __future__ import annotations

import pytest

from cdop.disclosure import CellKey, DisclosureRules, LinkedCounts
from cdop.errors import CdopError
from cdop.report._history import Published, protect_year, year_register

RULES = DisclosureRules()  # threshold 5: a small count is 1 to 5

OPEN = "cases open at 31 March"
NOTIFIED = "deaths notified"
REVIEWED = "reviews completed"
BANDS = ("under_6", "6_to_12", "over_12")


def _year(counts: LinkedCounts, label: str, values: dict[str, int]) -> None:
    """Register one year's counts: deaths notified, open cases by band and in all, and
    the reviews that took more than 12 months; the bound on the bands up to 12 months."""
    counts.add(CellKey.of(NOTIFIED, year=label), values["notified"])
    for band in BANDS:
        counts.add(CellKey.of(OPEN, year=label, open_for=band), values[band])
    counts.add(CellKey.of(OPEN, year=label), sum(values[b] for b in BANDS))
    counts.add(CellKey.of(REVIEWED, year=label, months="12+"), values["over_12_reviews"])
    counts.bound(
        {
            CellKey.of(OPEN, year=label, open_for="under_6"): 1,
            CellKey.of(OPEN, year=label, open_for="6_to_12"): 1,
            CellKey.of(NOTIFIED, year=label): -1,
        },
        why="cases open up to 12 months were notified in the year",
    )
    # as the review progress section declares it towards the year after
    after = f"{int(label[:4]) + 1}/{(int(label[:4]) + 2) % 100:02d}"
    counts.bound_ahead(
        {
            CellKey.of(OPEN, year=after, open_for="over_12"): 1,
            CellKey.of(REVIEWED, year=after, months="12+"): 1,
            CellKey.of(OPEN, year=label): -1,
        },
        why="cases open more than 12 months were open a year before",
    )


def _chapter(before: str, label: str, values: dict[str, dict[str, int]]) -> LinkedCounts:
    """The chapter of ``label``: its counts and the year before's, tied as the review
    progress section ties them."""
    counts = LinkedCounts()
    counts.universe("open_for", list(BANDS))
    _year(counts, before, values[before])
    _year(counts, label, values[label])
    counts.bound(
        {
            CellKey.of(OPEN, year=label, open_for="over_12"): 1,
            CellKey.of(REVIEWED, year=label, months="12+"): 1,
            CellKey.of(OPEN, year=before): -1,
        },
        why="cases open more than 12 months were open a year before",
    )
    return counts


VALUES = {
    "2019/20": {
        "notified": 9,
        "under_6": 0,
        "6_to_12": 0,
        "over_12": 0,
        "over_12_reviews": 0,
    },
    # 4 open cases, all notified in the year (6 deaths notified): a reader can tell
    # they are at most 6 once the other bands (0) and the deaths notified are shown
    "2020/21": {"notified": 6, "under_6": 4, "6_to_12": 0, "over_12": 0, "over_12_reviews": 0},
    # of them, 1 still open after 12 months and 1 reviewed after 12 months
    "2021/22": {"notified": 8, "under_6": 4, "6_to_12": 2, "over_12": 1, "over_12_reviews": 1},
}


def _decide(label: str, chapter: LinkedCounts, fixed: Published) -> Published:
    protection = protect_year(year_register(chapter, label, fixed), RULES)
    return {
        k: (chapter.value(k), protection.hidden(k))
        for k in chapter.keys
        if k.levels("year") == frozenset([label])
    }


def _chain() -> tuple[Published, Published]:
    first = _chapter("2018/19", "2019/20", {"2018/19": VALUES["2019/20"], **VALUES})
    fixed = {k: (first.value(k), False) for k in first.keys if k.levels("year") != {"2019/20"}}
    fixed.update(_decide("2019/20", first, fixed))
    block_2020 = _decide("2020/21", _chapter("2019/20", "2020/21", VALUES), fixed)
    fixed.update(block_2020)
    block_2021 = _decide("2021/22", _chapter("2020/21", "2021/22", VALUES), fixed)
    return block_2020, block_2021


def test_the_year_after_can_be_protected() -> None:
    block_2020, block_2021 = _chain()
    # the year after's two counts of 1 are hidden, and protected: the block raised no
    # error, and each can be 6 or more for all a reader can tell
    over_12 = CellKey.of(OPEN, year="2021/22", open_for="over_12")
    reviews = CellKey.of(REVIEWED, year="2021/22", months="12+")
    assert block_2021[over_12] == (1, True)
    assert block_2021[reviews] == (1, True)
    # room was left a year before: the open cases of 2020/21 (4, hidden) can no longer be
    # bounded by 6 from the deaths notified, which are hidden too
    assert block_2020[CellKey.of(OPEN, year="2020/21")] == (4, True)
    assert block_2020[CellKey.of(NOTIFIED, year="2020/21")] == (6, True)


def test_without_room_the_year_after_cannot_be_protected(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The test above fails without the stand-ins: the block of 2021/22 stops."""
    from cdop.report import _history

    monkeypatch.setattr(_history, "_room_for_next_year", lambda *args: None)
    with pytest.raises(CdopError, match="cannot protect 2 hidden count"):
        _chain()


def test_the_stand_ins_are_printed_nowhere_and_belong_to_no_year() -> None:
    chapter = _chapter("2020/21", "2021/22", VALUES)
    block = year_register(chapter, "2021/22", {})
    stand_ins = [k for k in block.keys if k not in chapter]
    assert len(stand_ins) == 2
    assert all(not k.dims and not block.places(k) for k in stand_ins)
    # 1 each, at most this year's 7 open cases
    assert [block.value(k) for k in stand_ins] == [1, 1]
    assert {why for _, why in block.inequalities()} >= {
        "cases open more than 12 months were open a year before (the year after)"
    }


def test_stand_ins_take_no_more_than_the_year_s_count() -> None:
    values = {**VALUES, "2021/22": {**VALUES["2021/22"], "under_6": 1, "6_to_12": 0}}
    values["2021/22"]["over_12"] = 0
    chapter = _chapter("2020/21", "2021/22", values)
    block = year_register(chapter, "2021/22", {})
    # 1 case open at 31 March 2022: next year's two counts add up to 1 at most
    assert sorted(block.value(k) for k in block.keys if k not in chapter) == [0, 1]


def _first_year_chain() -> Published:
    """The chain from the first year the data cover: its chapter prints no year before."""
    first = LinkedCounts()
    first.universe("open_for", list(BANDS))
    _year(first, "2020/21", VALUES["2020/21"])
    fixed = _decide("2020/21", first, {})
    return _decide("2021/22", _chapter("2020/21", "2021/22", VALUES), fixed)


def test_the_first_year_leaves_room_too() -> None:
    """Found on the national data at threshold 3 (area Fenwick, 2006/07): the first
    year's chapter declares no inequality with a year before, yet must leave room."""
    block = _first_year_chain()
    assert block[CellKey.of(OPEN, year="2021/22", open_for="over_12")] == (1, True)


def test_without_room_the_first_year_stops_the_next(monkeypatch: pytest.MonkeyPatch) -> None:
    from cdop.report import _history

    monkeypatch.setattr(_history, "_room_for_next_year", lambda *args: None)
    with pytest.raises(CdopError, match="cannot protect 2 hidden count"):
        _first_year_chain()
