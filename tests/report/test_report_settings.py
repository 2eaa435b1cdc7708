"""Chapter settings (TOML): read, checked key by key, passed to the sections, and used by
``build`` and ``cdop report``; a mistake names the file, the key, the value and the rule."""

from __future__ import annotations

from pathlib import Path

import pytest

import cdop
from cdop.cli import main
from cdop.errors import CdopArgumentError
from cdop.report import ChapterSettings, build_chapter, read_settings
from cdop.report._build import plan_chapter
from cdop.report._model import Section
from cdop.report._tables import Disclosure
from cdop.report.sections import SECTIONS, Context, SectionSpec
from cdop.report.sections._base import MEASURE, Finish
from cdop.report.sections._needs import Need


def _write(folder: Path, text: str, name: str = "chapter.toml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_every_key_is_read(tmp_path: Path) -> None:
    for name in ("learning.md", "actions.csv", "activity.csv"):
        (tmp_path / name).write_text("x\n", encoding="utf-8")
    path = _write(
        tmp_path,
        'panel = "Northmoor CDOP"\n'
        'local_authorities = ["Northmoor", "Southvale"]\n'
        'sections = ["child_mortality", "activity"]\n'
        "threshold = 10\n"
        'learning = "learning.md"\n'
        'actions = "actions.csv"\n'
        'panel_activity = "activity.csv"\n',
    )
    settings = read_settings(path)
    assert settings == ChapterSettings(
        panel="Northmoor CDOP",
        local_authorities=("Northmoor", "Southvale"),
        sections=("child_mortality", "activity"),
        threshold=10,
        learning=(tmp_path / "learning.md").resolve(),
        actions=(tmp_path / "actions.csv").resolve(),
        panel_activity=(tmp_path / "activity.csv").resolve(),
        source=path.resolve(),
    )


def test_identifiers_in_settings_and_in_the_names_of_their_files_are_refused(
    tmp_path: Path,
) -> None:
    # local_authorities are printed (table of deaths by area): an email there was
    # published; the names of the files a settings file names are printed in the
    # provenance note.
    from cdop.errors import IdentifierError

    with pytest.raises(IdentifierError):
        read_settings(_write(tmp_path, 'local_authorities = ["Northmoor", "a.b@nhs.net"]\n'))
    (tmp_path / "learning LS6 4AB.md").write_text("x\n", encoding="utf-8")
    settings = _write(tmp_path, 'learning = "learning LS6 4AB.md"\n')
    with pytest.raises(IdentifierError, match="name of the learning file holds") as e:
        build_chapter(cdop.load_sample(), sections=["learning"], settings=settings)
    assert "LS6" not in str(e.value)


def test_an_empty_file_is_every_default(tmp_path: Path) -> None:
    settings = read_settings(_write(tmp_path, "# nothing decided yet\n"))
    assert settings.panel is None and settings.sections is None and settings.threshold is None
    assert settings.local_authorities == ()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "threshold = '5'\n",
            "key 'threshold': expected a whole number, 1 or more, without quotes; got '5'",
        ),
        ("threshold = 0\n", "key 'threshold': expected a whole number, 1 or more"),
        ("threshold = true\n", "key 'threshold': expected a whole number"),
        ("panel = 3\n", "key 'panel': expected a text in quotes, not empty; got 3"),
        ("panel = '  '\n", "key 'panel': expected a text in quotes"),
        (
            "local_authorities = 'Northmoor'\n",
            "key 'local_authorities': expected a list of texts in quotes",
        ),
        ("local_authorities = ['A', 'A']\n", "expected each name once (A given twice)"),
        ("sections = []\n", "key 'sections': expected at least one section id"),
        ("learning = 'missing.md'\n", "key 'learning': expected a file that exists"),
        ("pannel = 'X'\n", "unknown key 'pannel'; the keys are panel ("),
        ("panel = Northmoor\n", "not a valid TOML file"),
    ],
)
def test_mistakes_name_file_key_value_and_rule(tmp_path: Path, text: str, message: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(CdopArgumentError) as info:
        read_settings(path)
    assert f"settings: {path.resolve()}" in str(info.value)
    assert message in str(info.value)


def test_unreadable_files_are_named(tmp_path: Path) -> None:
    with pytest.raises(CdopArgumentError, match="does not exist"):
        read_settings(tmp_path / "none.toml")
    with pytest.raises(CdopArgumentError, match="is a folder"):
        read_settings(tmp_path)
    path = tmp_path / "latin1.toml"
    path.write_bytes("panel = 'Sí'\n".encode("latin-1"))
    with pytest.raises(CdopArgumentError, match="expected a UTF-8 text file; byte 10"):
        read_settings(path)


def test_unknown_section_in_settings_names_the_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "sections = ['activity', 'infant']\n")
    with pytest.raises(CdopArgumentError) as info:
        build_chapter(cdop.load_sample(), settings=path)
    assert f"sections (in {path.resolve()}): unknown section 'infant'" in str(info.value)


def test_settings_shape_the_chapter_and_arguments_win(tmp_path: Path) -> None:
    ds = cdop.load_sample()
    path = _write(
        tmp_path, 'panel = "Northmoor CDOP"\nsections = ["child_mortality"]\nthreshold = 7\n'
    )
    chapter = build_chapter(ds, settings=path)
    assert "reviewed by Northmoor CDOP" in chapter.subtitle
    assert [s.id for s in chapter.sections] == ["child_mortality"]
    assert "threshold=7" in dict(chapter.provenance)["Options"]
    chapter = build_chapter(ds, settings=path, panel="Other", sections=["activity"])
    assert "reviewed by Other" in chapter.subtitle
    assert [s.id for s in chapter.sections] == ["activity"]


def test_provenance_fingerprints_the_settings_and_the_panels_own_files() -> None:
    # Next year's build is the same command: the provenance says which settings file and
    # which of the panel's own files (learning text, actions, activity) made the chapter.
    import hashlib

    from cdop.sample import sample_path

    folder = sample_path()
    settings = folder / "chapter.toml"
    chapter = build_chapter(
        cdop.load_sample(), sections=["learning", "panel_activity"], settings=settings
    )
    provenance = dict(chapter.provenance)
    for name in ("chapter.toml", "learning.md", "actions.csv", "panel_activity.csv"):
        digest = hashlib.sha256((folder / name).read_bytes()).hexdigest()
        assert provenance[f"SHA-256 of {name}"] == digest, name
    plain = dict(build_chapter(cdop.load_sample(), sections=["activity"]).provenance)
    assert not any(k.endswith((".toml", ".md")) for k in plain)


def test_sections_see_the_settings_in_every_year_they_are_planned(tmp_path: Path) -> None:
    # A section of the panel's own text declares a need on the settings, and reads them
    # in the chapter's context and in the contexts of the year blocks (the 2023/24 count
    # it registers makes the chapter plan 2023/24 too). The blocks are decided with every
    # section, so the count is the sample's: 64 deaths notified in 2023/24 (Table 1 of
    # the sample's chapter; the library's sections register it too).
    seen: list[tuple[int, ChapterSettings]] = []

    def plan(ctx: Context) -> Finish:
        seen.append((ctx.year, ctx.settings))
        ctx.count(ctx.key(MEASURE.NOTIFIED, year=ctx.previous), 64, "sentence: test")
        return lambda: Section("text", "Learning", ("text",))

    def learning(ctx: Context) -> str | None:
        return None if ctx.settings.learning else "a learning text named in the settings"

    spec = SectionSpec("text", "Learning", plan, (Need("learning", learning),))
    text = tmp_path / "learning.md"
    text.write_text("What the panel learnt.\n", encoding="utf-8")
    settings = ChapterSettings(panel="Northmoor CDOP", learning=text)
    ctx, finishers, _ = plan_chapter(
        cdop.load_sample(), 2024, Disclosure(), sections=(spec,), chapter_settings=settings
    )
    assert ctx.settings is settings and len(finishers) == 1 and ctx.omitted == ()
    # (with the library's sections, whose counts tie each year to the one before, every
    # year back to the first the sample covers is planned)
    assert {year for year, _ in seen} == set(range(2017, 2025))
    assert all(seen_settings == settings for _, seen_settings in seen)
    ctx, finishers, _ = plan_chapter(cdop.load_sample(), 2024, Disclosure(), sections=(spec,))
    assert finishers == []
    assert [o.line for o in ctx.omitted] == [
        "Learning: needs a learning text named in the settings."
    ]


def test_a_section_refusing_its_data_is_left_out_with_the_reason() -> None:
    # A need the section does not declare: the analytics refuse the data before the
    # section registers anything; the chapter is built without it and says why.
    def plan(ctx: Context) -> Finish:
        raise CdopArgumentError("breakdown(): the dataset has no factors table")

    spec = SectionSpec("factors", "Factors", plan)
    ctx, finishers, _ = plan_chapter(
        cdop.load_sample(), 2024, Disclosure(suppress=False), sections=(spec, SECTIONS[0])
    )
    assert len(finishers) == 1
    assert [o.line for o in ctx.omitted] == [
        "Factors: needs data it could not use (breakdown(): the dataset has no factors table)."
    ]


def test_cli_settings_sections_and_what_is_left_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "exports"
    data.mkdir()
    for name in ("notifications", "reviews", "births"):
        src = cdop.sample.sample_path() / f"{name}.csv"
        (data / f"{name}.csv").write_bytes(src.read_bytes())
    path = _write(tmp_path, 'panel = "Northmoor CDOP"\nsections = ["activity"]\n')
    out = tmp_path / "report"
    code = main(
        [
            "report",
            "--data",
            str(data),
            "--settings",
            str(path),
            "--sections",
            "child_mortality,activity",
            "--out",
            str(out),
            "--format",
            "md",
            "--quiet",
        ]
    )
    err = capsys.readouterr().err
    assert code == 0, err
    assert (
        "cdop report: not included: Child mortality: needs a population table (children by "
        "calendar year and age group)." in err
    )
    text = (out / "chapter.md").read_text(encoding="utf-8")
    assert "Northmoor CDOP" in text and "Not included in this chapter" in text
    assert "Notifications and reviews" in text


def test_cli_unknown_section_lists_the_valid_ids(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["report", "--sections", "activity,infnat_mortality", "--out", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2
    assert "unknown section 'infnat_mortality' (did you mean 'infant_mortality'?)" in err
    assert "the sections are " + ", ".join(s.id for s in SECTIONS) in err
