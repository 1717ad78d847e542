"""A query parameter the operation does not declare is a 400 naming it (issue 19): a misspelt
filter must not answer as if there were none."""

from __future__ import annotations

from tests.support.services import auth

OFFICER = auth("programme_officer")


async def test_misspelt_query_parameter_is_refused_naming_it(registry):
    response = await registry.client.get("/v1/clusters?limt=5&as_of=2024-01-01", headers=OFFICER)
    assert response.status_code == 400, response.text
    problem = response.json()
    assert problem["type"] == "urn:nic:problem:unknown-parameter"
    assert problem["errors"] == [
        {"parameter": "limt", "in": "query", "rule": "declared", "detail": "not declared"}
    ]
    assert "as_of" in problem["detail"]
    assert "limit" in problem["detail"]


async def test_declared_parameters_and_those_of_dependencies_are_read(registry):
    response = await registry.client.get("/v1/clusters?limit=5&as_of=2024-01-01", headers=OFFICER)
    assert response.status_code == 200, response.text


async def test_organisation_clusters_refuses_what_it_does_not_declare(registry):
    path = "/v1/organisations/974760673/clusters"
    assert (await registry.client.get(f"{path}?as_of=2024-01-01", headers=OFFICER)).status_code in (
        200,
        404,
    )
    refused = await registry.client.get(f"{path}?asof=2024-01-01", headers=OFFICER)
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["parameter"] == "asof"


async def test_every_operation_documents_the_refusal(registry):
    document = (await registry.client.get("/openapi.json")).json()
    for path, item in document["paths"].items():
        for method, operation in item.items():
            described = operation["responses"]["400"]["description"]
            assert "unknown-parameter" in described, (method, path)
