"""The statutory forms' fields, words for "no value", ages in words and two-digit years."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import TODAY, frames

import cdop
from cdop import schema
from cdop._codes import normalise_key, parse_code, parse_code_list


def test_no_export_header_names_two_columns_of_a_table() -> None:
    for spec in schema.TABLES.values():
        seen: dict[str, str] = {}
        for column in spec.columns:
            for header in (column.name, *column.headers):
                key = normalise_key(header)
                assert seen.setdefault(key, column.name) == column.name, (spec.name, header)


def test_every_detailed_group_rolls_up_to_a_broad_code() -> None:
    assert set(schema.ETHNICITY_DETAIL_ROLLUP.values()) <= set(schema.ETHNICITY_CODES)
    assert set(schema.PLACE_DETAIL_ROLLUP.values()) <= set(schema.PLACE_CODES)
    # 18 census groups (2011, England and Wales) and "not stated".
    assert len(schema.ETHNICITY_DETAIL_CODES) == 19
    for code, label in schema.ETHNICITY_DETAIL_LABELS.items():
        assert parse_code("ethnicity_detail", label) == code, label
    for code, label in schema.FACTOR_LABELS.items():
        assert parse_code("factor", label) == code


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("White - British", "white_british"),
        ("Mixed: White and Black Caribbean", "mixed_white_and_black_caribbean"),
        ("Black or Black British - African", "black_african"),
        ("Other ethnic group: Arab", "arab"),
        ("Chinese", "chinese"),
        ("J", "asian_pakistani"),
        ("Not stated", "not_stated"),
    ],
)
def test_detailed_ethnicity_labels(text: str, code: str) -> None:
    assert parse_code("ethnicity_detail", text) == code


def test_delay_reasons_are_a_list_in_contract_order() -> None:
    assert parse_code_list("delay_reasons", "PMRT, awaiting inquest") == (
        "inquest;perinatal_mortality_review"
    )


def _read(**columns: list[str]) -> cdop.Dataset:
    tables = frames()
    for name, values in columns.items():
        tables["notifications"][name] = values
    return cdop.read_dataset(tables, strict=False, today=TODAY)


@pytest.mark.parametrize(
    ("text", "days"),
    [
        # Hand calculations: a year is 365.25 days and a month 30.4375, rounded up.
        ("3 days", 3),
        ("2 weeks", 14),
        ("2 weeks 3 days", 17),
        ("6 hours", 0),
        ("5 months", 153),  # 152.1875 -> 153
        ("11 months", 335),  # 334.8125 -> 335, still 28-364 days
        ("1 year", 366),  # 365.25 -> 366, in 1-4 years
        ("12 years", 4383),  # 4383 exactly
        ("1 year 3 months", 457),  # 365.25 + 91.3125 = 456.5625 -> 457
        ("15 yrs", 5479),  # 5478.75 -> 5479: the first day of 15-17 years
        # Part days and weeks are cut to the completed days.
        ("0.5 days", 0),
        ("2.5 weeks", 17),  # 17.5 -> 17
        ("1 week 1.5 days", 8),  # 7 + 1.5 = 8.5 -> 8
    ],
)
def test_ages_in_words(text: str, days: int) -> None:
    ds = _read(age_at_death_days=["2", text, "4000", "30"])
    assert ds.notifications.loc[1, "age_at_death_days"] == days


def test_part_days_and_weeks_are_warned_hours_are_not() -> None:
    ds = _read(age_at_death_days=["2.5 weeks", "6 hours", "0.5 days", "30"])
    warned = ds.report.warnings
    rows = warned[warned["rule"] == "age_in_words"]
    assert rows["row"].tolist() == [0, 2]
    assert rows["message"].str.contains("read as 17 days").iloc[0]


def test_ages_in_months_are_warned_days_are_not() -> None:
    ds = _read(age_at_death_days=["2 days", "5 months", "4000", "30"])
    warned = ds.report.warnings
    assert warned[warned["rule"] == "age_in_words"]["row"].tolist() == [1]
    assert ds.notifications["age_group"].astype(str).tolist() == [
        "0-27 days",
        "28-364 days",
        "10-14 years",
        "28-364 days",
    ]


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("12-Mar-23", "2023-03-12"),
        ("12/03/23", "2023-03-12"),
        ("12.03.23", "2023-03-12"),
        ("12 March 23", "2023-03-12"),
        ("31/12/68", "2068-12-31"),  # the pivot: 00-68 are 2000-2068
        ("01/01/69", "1969-01-01"),  # 69-99 are 1969-1999
    ],
)
def test_two_digit_years(text: str, iso: str) -> None:
    tables = frames()
    notes = tables["notifications"].drop(columns=["age_at_death_days"])
    notes["date_of_birth"] = ["2023-04-01", text, "2012-07-21", "2023-08-31"]
    notes["date_of_death"] = ["2023-04-03", "2070-01-01", "2023-07-21", "2023-09-30"]
    notes["date_notified"] = ["2023-04-04", "2070-01-02", "2023-07-23", "2023-10-01"]
    tables["notifications"] = notes
    ds = cdop.read_dataset(tables, strict=False, today=pd.Timestamp("2071-01-01").date())
    expected = (pd.Timestamp("2070-01-01") - pd.Timestamp(iso)).days
    if expected < schema.MAX_AGE_DAYS:
        assert ds.notifications.loc[1, "age_at_death_days"] == expected
    else:  # born 2023 or 1969: 18 or more at a death in 2070, so refused by its age
        assert ds.rejected["rules"].iloc[0] == "out_of_range"


def test_words_for_no_value_in_optional_columns_keep_every_death() -> None:
    ds = _read(
        lsoa_code=["Unknown", "N/A", "not known", "E01000004"],
        imd_decile=["N/A", "11", "-", "3"],
        place_of_death=["Unknown", "n/a", "hospital", "banana"],
    )
    assert len(ds.notifications) == 4 and ds.rejected.empty
    n = ds.notifications
    assert n["lsoa_code"].isna().tolist() == [True, True, True, False]
    assert n["imd_decile"].isna().tolist() == [True, True, True, False]
    # "Unknown" is a code of place_of_death (not stated); "n/a" and "banana" are missing.
    assert n["place_of_death"].iloc[0] == "not_stated"
    assert pd.isna(n["place_of_death"].iloc[1]) and pd.isna(n["place_of_death"].iloc[3])
    warned = ds.report.warnings
    shown = warned[warned["column"] == "lsoa_code"]["value"].tolist()
    assert shown == ["Unknown", "N/A", "not known"]  # the cell text, as in the file


def test_required_words_show_the_cell_text() -> None:
    tables = frames()
    tables["notifications"].loc[1, "sex"] = "N/A"
    report = cdop.validate(tables, today=TODAY)
    error = report.errors.iloc[0]
    assert (error["rule"], error["value"], error["row"]) == ("required", "N/A", 1)
    assert "'N/A' is missing" in error["message"]


def test_ethnicity_rolled_up_from_the_census_groups() -> None:
    tables = frames()
    notes = tables["notifications"].drop(columns=["ethnicity"])
    notes["Ethnic Category"] = ["White - Irish", "Chinese", "Black Caribbean", "Not stated"]
    tables["notifications"] = notes
    ds = cdop.read_dataset(tables, today=TODAY)
    assert ds.notifications["ethnicity"].astype(str).tolist() == [
        "white",
        "other",
        "black",
        "not_stated",
    ]


def test_dataframe_rows_are_named_by_the_index() -> None:
    tables = frames()
    notes = tables["notifications"]
    notes.index = [10, 20, 30, 40]
    notes.loc[30, "date_of_death"] = "2023-02-30"
    report = cdop.validate(tables, today=TODAY)
    error = report.errors.iloc[0]
    assert error["row"] == 30
    assert "index 30" in error["message"]


def test_factors_table_is_read_and_labelled() -> None:
    tables = frames()
    tables["factors"] = pd.DataFrame(
        {
            "Case ID": ["A001", "A002", "A002"],
            "Domain": ["Domain B", "Factors in the physical environment", "service provision"],
            "Factor": ["Co-sleeping", "Water safety", "Other"],
            "Level of Influence": ["2", "1", "0"],
            "Modifiable": ["Yes", "No", "N/A"],
        }
    )
    ds = cdop.read_dataset(tables, today=TODAY)
    factors = ds.factors
    assert factors is not None
    assert factors["factor"].astype(str).tolist() == ["unsafe_sleep", "water_safety", "other"]
    assert factors["influence"].astype(str).tolist() == [
        "may_have_contributed",
        "unlikely_contributed",
        "information_not_available",
    ]
    assert factors["factor_label"].iloc[0] == "Unsafe sleeping arrangements, including co-sleeping"
    assert pd.isna(factors["modifiable"].iloc[2])


def test_sample_covers_every_new_field() -> None:
    ds = cdop.load_sample()
    tables = {
        "notifications": ds.notifications,
        "reviews": ds.reviews,
        "population": ds.population,
        "factors": ds.factors,
    }
    for name, frame in tables.items():
        assert frame is not None
        for column in schema.TABLES[name].columns:
            if (name, column.name) in (("notifications", "date_of_birth"), ("population", "sex")):
                continue  # never kept; the sample's population is not split by sex
            assert frame[column.name].notna().any(), (name, column.name)
    # Every review with modifiable factors records at least one modifiable factor.
    factors = tables["factors"]
    modifiable = set(factors.loc[factors["modifiable"] == "yes", "case_id"])
    yes = set(ds.reviews.loc[ds.reviews["modifiable_factors"] == "yes", "case_id"])
    assert yes <= modifiable


def test_census_groups_in_the_ethnicity_column_give_the_detail() -> None:
    tables = frames()
    tables["notifications"]["ethnicity"] = [
        "Asian or Asian British: Pakistani",
        "White",
        "Other",
        "Chinese",
    ]
    n = cdop.read_dataset(tables, today=TODAY).notifications
    assert n["ethnicity"].astype(str).tolist() == ["asian", "white", "other", "other"]
    # A broad label gives no detail; a census group does.
    assert n["ethnicity_detail"].isna().tolist() == [False, True, True, False]
    assert n["ethnicity_detail"].dropna().astype(str).tolist() == ["asian_pakistani", "chinese"]


@pytest.mark.parametrize("bad", ["", "Unknown", "1899-12-31"])
def test_a_date_of_birth_that_gives_no_age_rejects_the_record_by_name(bad: str) -> None:
    # With date_of_birth in place of the age column, one blank date of birth raised
    # "ValueError: cannot convert NA to integer" (an independent tester's export).
    tables = frames()
    notifications = tables["notifications"].drop(columns=["age_at_death_days"])
    notifications["date_of_birth"] = ["2023-04-01", bad, "2012-07-21", "2023-08-31"]
    tables["notifications"] = notifications
    report = cdop.validate(tables, today=TODAY)
    required = report.errors[report.errors["rule"] == "required"]
    assert required[["row", "column"]].values.tolist() == [[1, "date_of_birth"]]
    ds = cdop.read_dataset(tables, strict=False, today=TODAY)
    # the others get their age from the dates (hand calculation: 2 days; 11 years of 365
    # days plus the 29 Februaries of 2016 and 2020, 4,017; 30)
    assert ds.notifications["age_at_death_days"].tolist() == [2, 4017, 30]


def test_iso_timestamps_with_a_utc_offset_are_the_dates_written() -> None:
    # "2023-04-03T00:00:00+01:00" (BST) and "...Z" raised "Mixed timezones detected"
    ds = _read(
        date_of_death=[
            "2023-04-03T00:00:00+01:00",
            "2023-05-10T23:30:00Z",
            "2023-07-21 10:15:00.5-0500",
            "2023-09-30T00:00:00+0100",
        ]
    )
    assert ds.report.failures.empty
    hours = _read(  # hour-only offsets (PostgreSQL's text) raised "Mixed timezones"
        date_of_death=["2023-04-03 10:00:00+01", "2023-05-10T10+01:00", "2023-07-21", "2023-09-30"]
    )
    assert hours.report.failures.empty
    for read in (ds, hours):
        assert read.notifications["date_of_death"].dt.strftime("%Y-%m-%d").tolist() == [
            "2023-04-03",
            "2023-05-10",
            "2023-07-21",
            "2023-09-30",
        ]


@pytest.mark.parametrize(
    "bad", ["2023-07-21 25:00+01", "2023-07-21T10:61:00Z", "2023-07-21 9:30:75+01:00"]
)
def test_a_timestamp_with_an_impossible_time_is_not_a_date(bad: str) -> None:
    # The offset was cut off with the time, whatever the time was: "25:00" read as the
    # date alone, silently.
    ds = _read(date_of_death=["2023-04-03", "2023-05-10", bad, "2023-09-30"])
    wrong = ds.report.errors[ds.report.errors["rule"] == "date_format"]
    assert wrong[["row", "column", "value"]].values.tolist() == [[2, "date_of_death", bad]]
    assert len(ds.notifications) == 3


def test_month_first_dates_are_read_month_first_and_named() -> None:
    # A US-locale export: an independent tester's 565 deaths had 373 rejected (day 13 or
    # more read as a month) and 181 accepted with day and month exchanged, silently.
    tables = frames()
    tables["notifications"]["date_of_death"] = ["04/03/2023", "05/10/2023", "7/21/2023", "9/30/23"]
    tables["notifications"]["date_notified"] = ["4/4/2023", "5/10/2023", "07/23/2023", "10/1/2023"]
    tables["reviews"]["date_review_completed"] = ["10/2/2023", "1/12/2024", "6/1/2024"]
    ds = cdop.read_dataset(tables, strict=False, today=TODAY)
    assert ds.report.errors.empty
    assert ds.notifications["date_of_death"].dt.strftime("%Y-%m-%d").tolist() == [
        "2023-04-03",
        "2023-05-10",
        "2023-07-21",
        "2023-09-30",
    ]
    # the reviews' dates do not tell, and are read as the notifications' are
    assert ds.reviews["date_review_completed"].dt.strftime("%Y-%m-%d").tolist() == [
        "2023-10-02",
        "2024-01-12",
        "2024-06-01",
    ]
    order = ds.report.warnings[ds.report.warnings["rule"] == "date_order"]
    # every date a day-first reading would have taken otherwise is named (not 4/4/2023,
    # nor 7/21/2023, a date month-first only)
    named = order[order["table"] == "notifications"]
    assert named[["row", "column"]].values.tolist() == [
        [0, "date_of_death"],
        [1, "date_of_death"],
        [1, "date_notified"],
        [3, "date_notified"],
    ]
    assert "'7/21/2023' shows" in order["message"].iloc[0]


def test_a_day_first_date_keeps_the_contracts_order() -> None:
    tables = frames()
    tables["notifications"]["date_of_death"] = ["04/03/2023", "13/05/2023", "7/21/2023", "9/3/23"]
    report = cdop.validate(tables, today=TODAY)
    bad = report.errors[report.errors["rule"] == "date_format"]
    assert bad["value"].tolist() == ["7/21/2023"]
    # The table is written both ways: the dates that read either way are read day first
    # and named (not "13/05/2023", a date day first only).
    order = report.warnings[report.warnings["rule"] == "date_order"]
    assert order[["row", "value"]].values.tolist() == [[0, "04/03/2023"], [3, "9/3/23"]]
    assert "read as 04/03/2023" in order["message"].iloc[0]
    assert "'13/05/2023' is day first, '7/21/2023' month first" in order["message"].iloc[0]


def test_a_day_first_table_names_no_date_order() -> None:
    tables = frames()
    tables["notifications"]["date_of_death"] = ["04/03/2023", "13/05/2023", "7/3/2023", "9/3/23"]
    report = cdop.validate(tables, today=TODAY)
    assert not (report.failures["rule"].isin(["date_order", "date_format"])).any()


def test_not_known_abbreviated_is_not_stated() -> None:
    # "N/K" and "NK" (not known, as NHS forms abbreviate it) rejected the death
    # (invalid_code) while "Not known" was read as not stated
    tables = frames()
    tables["notifications"]["sex"] = ["N/K", "NK", "n.k.", "male"]
    tables["notifications"]["ethnicity"] = ["NK", "N/K", "white", "white"]
    tables["notifications"]["imd_decile"] = ["NK", "4", "9", ""]
    ds = cdop.read_dataset(tables, strict=False, today=TODAY)
    assert ds.report.errors.empty
    assert ds.notifications["sex"].astype(str).tolist()[:3] == ["not_stated"] * 3
    assert ds.notifications["ethnicity"].astype(str).tolist()[:2] == ["not_stated"] * 2
    warned = ds.report.warnings
    assert warned[warned["column"] == "imd_decile"]["rule"].tolist() == ["not_recorded"]


def test_case_ids_differing_only_in_letter_case_are_one_case() -> None:
    # "NM17-0012" and "nm17-0012" were counted as two deaths; a review "nm17-0015" was
    # said to have no notification, with no hint that "NM17-0015" exists
    tables = frames()
    tables["notifications"]["case_id"] = ["A001", "a001", "A003", "A004"]
    tables["reviews"]["case_id"] = ["A001", "A003", "a004"]
    report = cdop.validate(tables, today=TODAY)
    errors = report.errors.set_index("rule")
    assert errors.loc["duplicate_id", "row"].tolist() == [0, 1]
    assert "rows 0, 1" in errors.loc["duplicate_id", "message"].iloc[1]
    lost = errors.loc[["review_without_notification"]]
    assert lost["row"].tolist() == [2]
    assert "notification 'A004' differs only in letter case" in lost["message"].iloc[0]


def test_a_review_without_a_near_match_gets_no_hint_beside_one_that_has() -> None:
    # With one review near a notification's ID and another near none, the second read
    # "has no notification (notification nan differs only )" (an independent tester).
    tables = frames()
    tables["reviews"]["case_id"] = ["A001", "a004", "ZZ99"]
    report = cdop.validate(tables, today=TODAY)
    lost = report.errors[report.errors["rule"] == "review_without_notification"]
    assert lost["row"].tolist() == [1, 2]
    first, second = lost["message"].tolist()
    assert "notification 'A004' differs only in letter case" in first
    assert "'ZZ99' has no notification; every review must match" in second
    assert "nan" not in second


def test_a_review_whose_id_lost_its_zeros_or_kept_a_text_wrapper_is_told_so() -> None:
    # Every review failed "has no notification" with nothing saying why: a spreadsheet
    # had dropped the leading zeros of the notifications' IDs, or the reviews' export
    # kept Excel's ="..." text wrapper.
    tables = frames()
    tables["notifications"]["case_id"] = ["24", "A002", "NM17-0003", "A004"]
    tables["reviews"]["case_id"] = ["00024", '="NM17-0003"', "NM17-3"]
    report = cdop.validate(tables, today=TODAY)
    lost = report.errors[report.errors["rule"] == "review_without_notification"]
    assert lost["row"].tolist() == [0, 1, 2]
    messages = lost["message"].tolist()
    assert "notification '24' differs only in leading zeros" in messages[0]
    assert "notification 'NM17-0003' differs only by a spreadsheet's" in messages[1]
    assert "notification 'NM17-0003' differs only in leading zeros" in messages[2]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Category VIII", 8),
        ("iv Malignancy", 4),
        ("5 (Acute)", 5),
        ("Cancer", 4),
        ("SUDI", 10),
        ("Sudden unexpected death in infancy", 10),
        ("Trauma", 3),
        # a code and a label that disagree, and a letter alone, are still refused
        ("Category 4: Infection", None),
        ("v (chronic)", None),
        ("X", None),
    ],
)
def test_categories_as_panels_write_them(text: str, code: int | None) -> None:
    # Roman numerals, a code with the start of its label, and the short names panels use
    # were refused (a tester's export): each names one category alone.
    from cdop._codes import parse_category

    assert parse_category(text) == code


def test_ethnicity_from_a_blank_detail_is_warned_as_not_stated() -> None:
    # With only ethnicity_detail given, a blank detail left the required ethnicity
    # unknown without a word (counted as not stated).
    tables = frames()
    notes = tables["notifications"].drop(columns=["ethnicity"])
    notes["ethnicity_detail"] = ["Pakistani", "", "Chinese", "White British"]
    tables["notifications"] = notes
    ds = cdop.read_dataset(tables, strict=False, today=TODAY)
    assert ds.report.errors.empty
    warned = ds.report.warnings[ds.report.warnings["rule"] == "not_recorded"]
    assert warned[["row", "column"]].values.tolist() == [[1, "ethnicity"]]
    assert "counted as not stated" in warned["message"].iloc[0]


def test_an_age_written_as_a_power_of_ten_fails() -> None:
    # "1e3" was read as 1,000 days without a word
    ds = _read(age_at_death_days=["1e3", "12", "3 days", "1,000"])
    failed = ds.report.errors[ds.report.errors["rule"] == "integer_format"]
    assert failed[["row", "value"]].values.tolist() == [[0, "1e3"]]
    assert ds.notifications["age_at_death_days"].tolist() == [12, 3, 1000]


@pytest.mark.parametrize(
    ("text", "code"),
    [("TRUE", "yes"), ("1", "yes"), ("0", "no"), ("False", "no"), ("Non-modifiable", "no")],
)
def test_modifiable_factors_as_a_flag(text: str, code: str) -> None:
    # an export's yes/no flag for "modifiable factors identified" was refused
    from cdop._codes import parse_code

    assert parse_code("modifiable_factors", text) == code


def test_an_age_heading_without_its_unit_is_warned_once() -> None:
    # "Age at Death" holding 15 (meant as years) was read as 15 days without a word
    tables = frames()
    tables["notifications"] = tables["notifications"].rename(
        columns={"age_at_death_days": "Age at Death"}
    )
    tables["notifications"]["Age at Death"] = ["2", "5 months", "15", "30"]
    mapped = {"Age at Death": "age_at_death_days"}
    ds = cdop.read_dataset(tables, strict=False, today=TODAY, column_map=mapped)
    [unit] = ds.report.warnings[ds.report.warnings["rule"] == "age_unit"].itertuples()
    assert unit.column == "Age at Death" and "read as days" in unit.message
    # the case-management profile maps the heading and declares its unit: no warning
    profiled = cdop.validate(tables, today=TODAY, profile="case_management")
    assert "age_unit" not in set(profiled.failures["rule"])
    said = frames()  # "age_at_death_days" says its unit
    assert "age_unit" not in set(cdop.validate(said, today=TODAY).failures["rule"])


def test_ages_that_all_look_like_years_are_warned_whatever_the_heading() -> None:
    # Under the case-management profile (which declares "Age at Death" in days) a
    # register's ages in years, 0 to 17, were read as days without a word: every one of
    # a tester's 565 deaths went into the 0-27 days group.
    tables = frames()
    notes = pd.concat([tables["notifications"]] * 6, ignore_index=True)
    notes["case_id"] = [f"C{i:03d}" for i in range(len(notes))]
    notes["age_at_death_days"] = [str(i % 18) for i in range(len(notes))]
    tables["notifications"] = notes.rename(columns={"age_at_death_days": "Age at Death"})
    report = cdop.validate(tables, today=TODAY, profile="case_management")
    [unit] = report.warnings[report.warnings["rule"] == "age_unit"].itertuples()
    assert "every one of its 24 plain-number ages is 17 or under" in unit.message
    # one age above 17 days, or fewer than 20 deaths, and the ages may well be days
    notes.loc[0, "age_at_death_days"] = "400"
    tables["notifications"] = notes.rename(columns={"age_at_death_days": "Age at Death"})
    report = cdop.validate(tables, today=TODAY, profile="case_management")
    assert "age_unit" not in set(report.failures["rule"])
    few = frames()
    few["notifications"]["age_at_death_days"] = ["1", "3", "17", "0"]
    assert "age_unit" not in set(cdop.validate(few, today=TODAY).failures["rule"])


def test_letters_that_are_not_all_codes_are_warned() -> None:
    # broad-group initials: A (Asian) and B (Black) were read as NHS codes (White British,
    # White Irish) without a word, while W and O failed
    tables = frames()
    tables["notifications"]["ethnicity"] = ["A", "B", "W", "O"]
    ds = cdop.read_dataset(tables, strict=False, today=TODAY)
    letters = ds.report.warnings[ds.report.warnings["rule"] == "ethnicity_letters"]
    assert letters["row"].tolist() == [0, 1]
    assert "also holds O, W" in letters["message"].iloc[0]
    codes = frames()  # NHS codes alone: no warning
    codes["notifications"]["ethnicity"] = ["A", "H", "M", "Z"]
    assert "ethnicity_letters" not in set(cdop.validate(codes, today=TODAY).failures["rule"])


def test_a_totals_row_is_named_and_not_counted_as_a_record() -> None:
    # "Total" rows at the foot of a sheet were counted as records read and rejected
    # ("42 read" for 40 deaths)
    tables = frames()
    total = pd.DataFrame([{"case_id": "Total: 4"}, {"case_id": "Grand total"}])
    tables["notifications"] = pd.concat([tables["notifications"], total], ignore_index=True)
    tables["notifications"] = tables["notifications"].fillna("")
    report = cdop.validate(tables, today=TODAY)
    assert report.errors.empty
    assert report.rows_read["notifications"] == 4
    totals = report.warnings[report.warnings["rule"] == "totals_row"]
    assert totals["row"].tolist() == [4, 5]
    kept = frames()  # a case ID starting "Total" with its dates is a record
    kept["notifications"].loc[0, "case_id"] = "TOTAL-001"
    assert cdop.validate(kept, today=TODAY).rows_read["notifications"] == 4
