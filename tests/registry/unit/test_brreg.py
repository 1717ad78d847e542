import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from nic_registry.domain.brreg import entity_from_enhet, entity_removed
from nic_registry.domain.errors import BrregFormatError

FIXTURES = Path(__file__).parent / "fixtures"


def load(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def test_listed_company_is_mapped_field_by_field():
    e = entity_from_enhet(load("brreg_equinor_asa.json"), requested="923609016")
    assert e.org_number == "923609016"
    assert e.name == "EQUINOR ASA"
    assert (e.org_form_code, e.org_form_description) == ("ASA", "Allmennaksjeselskap")
    assert e.sector_code == "1120"
    assert e.registered_in_foretaksregisteret is True
    assert (e.bankrupt, e.winding_up, e.deleted) == (False, False, False)
    assert e.nace_codes == ("06.100", "06.200")
    assert e.employees == 21126
    assert e.in_group is True
    assert e.founded_on == date(1972, 9, 18)
    assert e.parent_org_number is None


def test_deleted_sole_proprietor_with_slettedato_is_deleted():
    e = entity_from_enhet(load("brreg_deleted_enk.json"))
    assert e.deleted
    assert e.deleted_on == date(2022, 8, 9)
    assert e.org_form_code == "ENK"
    assert e.registered_in_foretaksregisteret is None
    assert e.nace_codes == ()


def test_state_body_has_its_parent_and_no_employee_count():
    e = entity_from_enhet(load("brreg_orgl.json"))
    assert e.parent_org_number == "932384469"
    assert e.employees is None
    assert e.registered_in_foretaksregisteret is False


def test_employee_count_is_none_when_brreg_has_none_registered():
    data = load("brreg_equinor_asa.json") | {
        "harRegistrertAntallAnsatte": False,
        "antallAnsatte": 0,
    }
    assert entity_from_enhet(data).employees is None


def test_removed_entity_410_is_deleted_even_without_a_body():
    e = entity_removed("995420678")
    assert e.deleted
    assert e.name is None
    assert e.deleted_on is None


def test_removed_entity_410_keeps_what_its_body_says():
    e = entity_removed("995420678", load("brreg_deleted_enk.json"))
    assert e.deleted
    assert e.deleted_on == date(2022, 8, 9)
    assert e.name == "NORDMANN RÅDGIVNING OLA"


@pytest.mark.parametrize(
    "extra",
    [
        {"konkurs": True},
        {"underKonkursbehandling": True},
        {"konkursdato": "2024-01-15"},
    ],
)
def test_any_sign_of_bankruptcy_marks_bankrupt(extra):
    assert entity_from_enhet(load("brreg_equinor_asa.json") | extra).bankrupt


@pytest.mark.parametrize(
    "extra",
    [
        {"underAvvikling": True},
        {"underAvviklingDato": "2024-02-01"},
        {"underTvangsavviklingEllerTvangsopplosning": True},
        {"tvangsopplostPgaManglendeRegnskapDato": "2024-03-01"},
        {"tvangsopplostPgaManglendeRevisorDato": "2024-03-01"},
        {"tvangsavvikletPgaManglendeSlettingDato": "2024-03-01"},
    ],
)
def test_any_sign_of_winding_up_marks_winding_up(extra):
    assert entity_from_enhet(load("brreg_equinor_asa.json") | extra).winding_up


def test_unknown_fields_are_ignored():
    data = load("brreg_equinor_asa.json") | {"nyttFelt2030": {"x": 1}, "paategninger": []}
    assert entity_from_enhet(data).name == "EQUINOR ASA"


def test_body_for_another_number_is_refused():
    with pytest.raises(BrregFormatError):
        entity_from_enhet(load("brreg_equinor_asa.json"), requested="974760673")


def test_body_without_organisation_number_is_refused():
    with pytest.raises(BrregFormatError):
        entity_from_enhet({"navn": "X"})
