"""The redaction rule for every event type in the catalogue, checked against docs/data-map.md."""

from __future__ import annotations

import re
from pathlib import Path

import pydantic
import pytest

from nic_shared.auth import Principal
from nic_shared.events import CATALOGUE
from nic_shared.events.intake import ContactPerson
from nic_shared.events.redaction import (
    REDACTED,
    redact_data,
    redact_envelope,
    redact_raw,
    scrub_error,
    sees_full_payloads,
    shown_fields,
)

DATA_MAP = Path(__file__).parents[2] / "docs" / "data-map.md"


def data_map() -> dict[str, dict[str, tuple[bool, str]]]:
    """Per event type: field -> (shown to operations, what it is), as the document says."""
    tables: dict[str, dict[str, tuple[bool, str]]] = {}
    current: dict[str, tuple[bool, str]] | None = None
    for line in DATA_MAP.read_text().splitlines():
        if heading := re.fullmatch(r"### (\S+)", line):
            current = tables.setdefault(heading[1], {})
        elif current is not None and (
            row := re.fullmatch(r"\| (\w+) \| (yes|no) \| (.+) \|", line)
        ):
            current[row[1]] = (row[2] == "yes", row[3])
    return tables


@pytest.mark.parametrize("event_type", sorted(CATALOGUE))
def test_every_field_of_every_event_is_shown_or_redacted_as_the_data_map_says(event_type):
    model = CATALOGUE[event_type]
    documented = data_map().get(event_type)
    assert documented is not None, f"{event_type} is missing from docs/data-map.md"
    assert set(documented) == set(model.model_fields)
    assert {f for f, (shown, _) in documented.items() if shown} == shown_fields(model)
    data = {name: f"secret value of {name}" for name in model.model_fields}
    redacted = redact_data(event_type, data)
    assert set(redacted) == set(data)  # the shape stays visible
    for name, value in redacted.items():
        assert value == (data[name] if name in shown_fields(model) else REDACTED)


@pytest.mark.parametrize("event_type", sorted(CATALOGUE))
def test_nothing_the_data_map_calls_personal_is_shown(event_type):
    for field, (shown, what) in data_map()[event_type].items():
        assert not (shown and "personal" in what), f"{event_type}.{field} is personal"


def test_an_unknown_event_type_shows_no_data():
    assert redact_data("no.nic.secret.v9", {"name": "Kari"}) == {"name": REDACTED}
    assert redact_data("no.nic.secret.v9", ["Kari"]) == {}


def test_a_raw_dead_letter_shows_its_envelope_but_not_its_data():
    envelope = {
        "id": "e1",
        "type": "no.nic.application.withdrawn.v1",
        "data": {"application_id": "a", "reason": "Kari is ill"},
    }
    assert redact_envelope(envelope)["data"] == {"application_id": "a", "reason": REDACTED}
    assert redact_raw("not json, Kari Nordmann") == REDACTED
    assert redact_raw('["Kari"]') == REDACTED


def test_a_validation_error_loses_the_values_it_quotes():
    with pytest.raises(pydantic.ValidationError) as caught:
        ContactPerson(name="Kari Nordmann", email="kari at example", phone=None)
    error = str(caught.value)
    assert "kari at example" in error
    scrubbed = scrub_error(error)
    assert scrubbed is not None
    assert "kari at example" not in scrubbed
    assert "email" in scrubbed  # which field failed is still there
    assert scrub_error(None) is None


def test_only_programme_officers_see_full_payloads():
    assert sees_full_payloads(
        Principal(subject="o", roles=frozenset({"programme_officer"}), scopes=frozenset())
    )
    assert not sees_full_payloads(
        Principal(subject="x", roles=frozenset({"operations"}), scopes=frozenset())
    )
