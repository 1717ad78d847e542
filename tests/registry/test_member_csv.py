"""Member lists as CSV: the whole file or nothing, with a report per row."""

from __future__ import annotations

from tests.registry.builders import (
    add_member,
    manager,
    new_cluster,
    officer,
    org_numbers,
    outbox_events,
    scalar,
)

HEADER = "org_number,foreign_country,foreign_id,name,actor_type,valid_from,valid_to"


def member_file(numbers: list[str]) -> str:
    lines = [HEADER]
    lines += [f"{n},,,Bedrift {n},established_company,2023-01-01," for n in numbers]
    return "\r\n".join(lines) + "\r\n"


async def upload(registry, cluster_id: str, text: str, headers=None):
    return await registry.client.post(
        f"/v1/clusters/{cluster_id}/members/import",
        content=text.encode(),
        headers={**(headers or officer()), "Content-Type": "text/csv"},
    )


async def test_a_file_with_one_bad_row_among_500_changes_nothing_and_reports_that_row(registry):
    cluster = await new_cluster(registry.client)
    numbers = org_numbers(500)
    numbers[299] = numbers[299][:8] + str((int(numbers[299][8]) + 1) % 10)  # wrong check digit
    response = await upload(registry, cluster["id"], member_file(numbers))
    assert response.status_code == 422
    assert response.json()["type"] == "urn:nic:problem:member-import-invalid"
    [error] = response.json()["errors"]
    assert (error["row"], error["column"]) == (301, "org_number")  # header is line 1
    assert await scalar(registry.database_url, "SELECT count(*) FROM memberships") == 0
    assert await scalar(registry.database_url, "SELECT count(*) FROM organisations") == 0
    assert await outbox_events(registry.database_url, "no.nic.membership.started.v1") == []


async def test_a_valid_file_imports_every_row(registry):
    cluster = await new_cluster(registry.client)
    response = await upload(
        registry, cluster["id"], member_file(org_numbers(500)), headers=manager(cluster["id"])
    )
    assert response.status_code == 200, response.text
    assert response.json() == {"imported": 500, "updated": 0, "unchanged": 0, "errors": []}
    assert await scalar(registry.database_url, "SELECT count(*) FROM memberships") == 500
    events = await outbox_events(registry.database_url, "no.nic.membership.started.v1")
    assert len(events) == 500


async def test_a_row_overlapping_a_membership_held_is_reported_and_nothing_changes(registry):
    cluster = await new_cluster(registry.client)
    numbers = org_numbers(3)
    await add_member(registry.client, cluster["id"], numbers[1], start="2022-01-01")
    text = "\r\n".join(
        [
            HEADER,
            f"{numbers[0]},,,A,startup,2023-01-01,",
            f"{numbers[1]},,,B,startup,2023-01-01,",
            f"{numbers[2]},,,C,startup,2023-01-01,",
        ]
    )
    response = await upload(registry, cluster["id"], text)
    assert response.status_code == 422
    assert [(e["row"], e["column"]) for e in response.json()["errors"]] == [(3, "valid_from")]
    assert await scalar(registry.database_url, "SELECT count(*) FROM memberships") == 1


async def test_an_export_edited_and_imported_again_ends_the_membership(registry):
    cluster = await new_cluster(registry.client)
    await add_member(registry.client, cluster["id"], "988077917", start="2023-01-01")
    await registry.client.post(
        f"/v1/clusters/{cluster['id']}/members",
        json={
            "foreign_country": "SE",
            "foreign_id": "5560360793",
            "name": "Saab, AB",
            "actor_type": "capital",
            "valid_from": "2023-02-01",
        },
        headers=officer(),
    )
    exported = await registry.client.get(
        f"/v1/clusters/{cluster['id']}/members/export", headers=officer()
    )
    assert exported.headers["content-type"].startswith("text/csv")
    assert exported.content.startswith(b"\xef\xbb\xbf")  # a byte-order mark for Excel
    lines = exported.content.decode("utf-8-sig").splitlines()
    assert lines[0] == HEADER
    assert lines[1:] == [
        "988077917,,,Org 988077917,established_company,2023-01-01,",
        ',SE,5560360793,"Saab, AB",capital,2023-02-01,',
    ]
    again = await upload(registry, cluster["id"], exported.text)
    assert again.json() == {"imported": 0, "updated": 0, "unchanged": 2, "errors": []}
    edited = exported.text.replace("2023-01-01,\r\n", "2023-01-01,2023-06-30\r\n")
    changed = await upload(registry, cluster["id"], edited)
    assert changed.json()["updated"] == 1
    ended = await outbox_events(registry.database_url, "no.nic.membership.ended.v1")
    assert [e["data"]["valid_to"] for e in ended] == ["2023-06-30"]


async def test_a_cluster_manager_cannot_import_into_another_cluster(registry):
    own = await new_cluster(registry.client, "Own")
    other = await new_cluster(registry.client, "Other")
    response = await upload(
        registry, other["id"], member_file(org_numbers(2)), headers=manager(own["id"])
    )
    assert response.status_code == 404


async def test_the_import_takes_csv_only(registry):
    cluster = await new_cluster(registry.client)
    response = await registry.client.post(
        f"/v1/clusters/{cluster['id']}/members/import", json={"rows": []}, headers=officer()
    )
    assert response.status_code == 415
