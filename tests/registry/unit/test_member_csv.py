from datetime import date
from uuid import uuid4

from hypothesis import given
from hypothesis import strategies as st

from nic_registry.domain.member_csv import (
    COLUMNS,
    MemberRow,
    RowError,
    export_member_csv,
    parse_member_csv,
)
from nic_registry.domain.periods import Period
from nic_shared import orgnr
from nic_shared.contracts.registry_facts import ActorType

HEADER = ",".join(COLUMNS)


def valid_numbers(count: int) -> list[str]:
    numbers: list[str] = []
    base = 91000000
    while len(numbers) < count:
        digit = orgnr.check_digit(str(base))
        if digit is not None:
            numbers.append(f"{base}{digit}")
        base += 1
    return numbers


def csv_of(*lines: str) -> str:
    return "\n".join((HEADER, *lines)) + "\n"


def test_valid_file_yields_all_rows():
    report = parse_member_csv(
        csv_of(
            "923609016,,,EQUINOR ASA,established_company,2020-01-01,",
            ",SE,5560360793,Volvo AB,established_company,2021-03-01,2023-02-28",
            "974760673,,,Registerenheten,public,2019-05-01,",
        )
    )
    assert report.ok
    assert [r.organisation_key for r in report.rows] == ["923609016", "SE:5560360793", "974760673"]
    assert report.rows[1].period == Period(date(2021, 3, 1), date(2023, 2, 28))
    assert report.rows[1].org_number is None


def test_one_bad_row_among_500_yields_that_rows_error_and_nothing_to_import():
    lines = [f"{n},,,Company {i},startup,2022-01-01," for i, n in enumerate(valid_numbers(500))]
    lines[316] = lines[316].replace("startup", "unicorn")
    report = parse_member_csv(csv_of(*lines))
    assert report.rows == ()
    assert len(report.errors) == 1
    error = report.errors[0]
    assert (error.row, error.column) == (318, "actor_type")  # header is line 1
    assert "must be one of" in error.rule


def test_wrong_check_digit_is_reported_on_org_number():
    report = parse_member_csv(csv_of("988077918,,,X,startup,2022-01-01,"))
    assert report.errors == (
        RowError(2, "org_number", "the organisation number's MOD11 check digit is wrong"),
    )


def test_org_number_with_spaces_is_accepted():
    report = parse_member_csv(csv_of("988 077 917,,,X,startup,2022-01-01,"))
    assert report.rows[0].organisation_key == "988077917"


def test_org_number_and_foreign_id_together_are_refused():
    report = parse_member_csv(csv_of("988077917,SE,5560360793,X,startup,2022-01-01,"))
    assert [(e.row, e.column) for e in report.errors] == [(2, "org_number")]


def test_foreign_id_without_country_is_refused():
    report = parse_member_csv(csv_of(",,5560360793,X,startup,2022-01-01,"))
    assert [(e.row, e.column) for e in report.errors] == [(2, "foreign_country")]


def test_bad_country_code_is_reported_on_foreign_country():
    report = parse_member_csv(csv_of(",SWE,5560360793,X,startup,2022-01-01,"))
    assert [(e.row, e.column) for e in report.errors] == [(2, "foreign_country")]


def test_every_broken_column_of_a_row_is_reported():
    report = parse_member_csv(csv_of("988077917,,,,robot,01.02.2022,2021-01-01"))
    assert {e.column for e in report.errors} == {"name", "actor_type", "valid_from"}


def test_end_before_start_is_reported_on_valid_to():
    report = parse_member_csv(csv_of("988077917,,,X,capital,2022-01-01,2021-12-31"))
    assert [(e.row, e.column) for e in report.errors] == [(2, "valid_to")]


def test_same_organisation_twice_with_overlapping_periods_is_refused():
    report = parse_member_csv(
        csv_of(
            "988077917,,,X,capital,2020-01-01,2022-12-31",
            "988077917,,,X,capital,2022-06-01,",
        )
    )
    assert [(e.row, e.column) for e in report.errors] == [(3, "valid_from")]
    assert "line 2" in report.errors[0].rule


def test_rejoining_after_a_gap_is_two_valid_rows():
    report = parse_member_csv(
        csv_of(
            "988077917,,,X,capital,2020-01-01,2020-12-31",
            "988077917,,,X,capital,2022-01-01,",
        )
    )
    assert report.ok
    assert len(report.rows) == 2


def test_missing_column_is_a_header_error():
    report = parse_member_csv(
        "org_number,name,actor_type,valid_from\n988077917,X,capital,2020-01-01\n"
    )
    assert report.rows == ()
    assert {(e.row, e.column) for e in report.errors} == {
        (1, "foreign_country"),
        (1, "foreign_id"),
        (1, "valid_to"),
    }


def test_misspelt_column_is_refused_rather_than_ignored():
    text = HEADER.replace("valid_to", "valid_too") + "\n988077917,,,X,capital,2020-01-01,\n"
    assert (1, "valid_too") in {(e.row, e.column) for e in parse_member_csv(text).errors}


def test_row_with_too_few_fields_is_reported():
    report = parse_member_csv(csv_of("988077917,,,X,capital"))
    assert [(e.row, e.column) for e in report.errors] == [(2, "(row)")]


def test_empty_file_is_refused():
    assert not parse_member_csv("").ok


def test_byte_order_mark_and_blank_lines_are_tolerated():
    report = parse_member_csv("\ufeff" + csv_of("", "988077917,,,X,capital,2020-01-01,", ""))
    assert report.ok
    assert len(report.rows) == 1


def test_rows_become_memberships_of_the_cluster():
    cluster_id = uuid4()
    row = parse_member_csv(csv_of("988077917,,,X,research,2020-01-01,")).rows[0]
    m = row.to_membership(cluster_id)
    assert (m.cluster_id, m.organisation_key, m.actor_type) == (
        cluster_id,
        "988077917",
        ActorType.RESEARCH,
    )


def test_export_writes_the_import_format():
    rows = [
        MemberRow(
            "923609016", "EQUINOR ASA", ActorType.ESTABLISHED_COMPANY, Period(date(2020, 1, 1))
        ),
        MemberRow(
            "SE:5560360793",
            "Volvo, AB",
            ActorType.CAPITAL,
            Period(date(2021, 1, 1), date(2021, 6, 30)),
        ),
    ]
    text = export_member_csv(rows)
    assert text.splitlines()[0] == HEADER
    assert text.splitlines()[2] == ',SE,5560360793,"Volvo, AB",capital,2021-01-01,2021-06-30'


def test_a_formula_in_a_name_is_defused_in_the_export_and_read_back_as_written():
    hostile = '=HYPERLINK("http://example.invalid","click")'
    rows = [
        MemberRow("923609016", hostile, ActorType.ESTABLISHED_COMPANY, Period(date(2020, 1, 1))),
        MemberRow("SE:5560360793", "'=quoted", ActorType.CAPITAL, Period(date(2021, 1, 1))),
    ]
    text = export_member_csv(rows)
    cells = [line.split(",", 3)[3] for line in text.splitlines()[1:]]
    assert cells[0].startswith("\"'=HYPERLINK")  # shown as text, never run
    assert cells[1].startswith("''=quoted")
    assert [r.name for r in parse_member_csv(text).rows] == [hostile, "'=quoted"]


names = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufeff"),
    min_size=1,
    max_size=20,
).filter(lambda s: s.strip() == s and s)


@given(
    st.lists(
        st.tuples(
            names,
            st.sampled_from(list(ActorType)),
            st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 1, 1)),
            st.one_of(st.none(), st.integers(0, 3000)),
            st.booleans(),
        ),
        max_size=15,
    )
)
def test_export_then_import_gives_the_same_rows(specs):
    numbers = valid_numbers(len(specs))
    rows = []
    for i, (name, actor, start, length, foreign) in enumerate(specs):
        end = None if length is None else date.fromordinal(start.toordinal() + length)
        key = f"DK:{i}" if foreign else numbers[i]
        rows.append(MemberRow(key, name, actor, Period(start, end)))
    report = parse_member_csv(export_member_csv(rows))
    assert report.errors == ()
    assert list(report.rows) == rows
