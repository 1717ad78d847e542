import pytest

from nic_registry.domain.org_forms import (
    ORG_FORMS,
    PUBLIC_FORMS,
    SECTOR_CODES,
    Classification,
    classify,
)
from nic_shared.contracts.registry_facts import Sector

ALL_FORM_CODES = {
    *("AS", "ASA", "ENK", "ANS", "DA", "KS", "SA", "BA", "SE", "EOFG", "PRE"),
    *("SPA", "GFS", "PK", "VPFO", "STI", "FLI", "ANNA", "SÆR"),
    *("STAT", "ORGL", "ADOS", "SF", "KOMM", "FYLK", "KF", "FKF", "IKS", "KIRK"),
    *("NUF", "UTLA", "BRL", "BBL", "ESEK", "SAM", "KBO", "BO"),
    *("KTRF", "OPMV", "TVAM", "IKJP", "PERS", "BEDR", "AAFY"),
}


def test_code_list_holds_every_form_of_the_reference_table():
    assert set(ORG_FORMS) == ALL_FORM_CODES


def test_descriptions_match_those_seen_in_live_responses():
    assert ORG_FORMS["AS"].description == "Aksjeselskap"
    assert ORG_FORMS["ASA"].description == "Allmennaksjeselskap"
    assert ORG_FORMS["ENK"].description == "Enkeltpersonforetak"
    assert ORG_FORMS["ORGL"].description == "Organisasjonsledd"
    assert ORG_FORMS["STAT"].description == "Staten"


def test_every_public_form_maps_to_a_public_sector():
    for code in PUBLIC_FORMS:
        assert ORG_FORMS[code].sector.value.startswith("public_"), code


def test_sector_code_table_holds_the_reference_codes():
    assert {"1110", "1120", "1510", "1520", "2100", "6100", "6500", "8200", "9000"} <= set(
        SECTOR_CODES
    )
    assert SECTOR_CODES["1120"].description == "Statlig eide aksjeselskaper mv."
    assert SECTOR_CODES["1120"].verified


def test_private_limited_company_is_private():
    assert classify("AS", "2100") == Classification(Sector.PRIVATE_COMPANY, False, False)


@pytest.mark.parametrize("code", ["1110", "1120", "1510", "1520"])
def test_publicly_controlled_company_is_public_controlled(code):
    result = classify("ASA", code)
    assert result.sector is Sector.PUBLIC_CONTROLLED_COMPANY
    assert result.public_controlled
    assert not result.public


def test_state_enterprise_keeps_its_public_sector_but_is_flagged_public_controlled():
    result = classify("SF", "1110")
    assert result.sector is Sector.PUBLIC_ENTERPRISE
    assert result.public
    assert result.public_controlled


def test_state_body_is_public_state():
    assert classify("ORGL", "6100") == Classification(Sector.PUBLIC_STATE, True, False)


def test_municipality_is_public_by_form_alone():
    assert classify("KOMM", None) == Classification(Sector.PUBLIC_MUNICIPAL, True, False)


def test_special_law_company_in_state_administration_is_public_state():
    assert classify("SÆR", "6100") == Classification(Sector.PUBLIC_STATE, True, False)


def test_sole_proprietor_is_private_sole_proprietor():
    assert classify("ENK", "8200").sector is Sector.PRIVATE_SOLE_PROPRIETOR


def test_sub_unit_stays_sub_unit_so_the_parent_is_used():
    assert classify("BEDR", None).sector is Sector.SUB_UNIT


def test_foundation_is_not_assumed_to_be_research():
    assert classify("STI", "7000").sector is Sector.NONPROFIT_FOUNDATION


def test_unknown_form_falls_back_to_sector_code():
    assert classify(None, "9000").sector is Sector.FOREIGN
    assert classify("XYZ", "6500") == Classification(Sector.PUBLIC_MUNICIPAL, True, False)


def test_nothing_known_is_unknown():
    assert classify(None, None) == Classification(Sector.UNKNOWN, False, False)


def test_form_code_is_read_case_insensitively():
    assert classify(" asa ", "2100").sector is Sector.PRIVATE_COMPANY
