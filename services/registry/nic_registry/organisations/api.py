"""Organisation endpoints: register by hand or from Brønnøysund; read; change (officers)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Request, Response

from nic_registry.access import READ_SCOPE, Anyone, ClusterWriter, Officer, Reader, sees_financials
from nic_registry.domain.org_forms import ORG_FORMS, PUBLIC_FORMS
from nic_registry.identity import KeyPath
from nic_registry.models import Organisation
from nic_registry.organisations import service
from nic_registry.organisations.brreg_client import BrregClient, BrregUnavailable
from nic_registry.organisations.convert import to_out
from nic_registry.organisations.schemas import (
    OrganisationCreate,
    OrganisationOut,
    OrganisationPage,
    OrganisationPatch,
    OrgFormOut,
)
from nic_registry.paging import Cursor, Limit, after, next_cursor
from nic_registry.problems import BadGateway, LookupOff
from nic_registry.settings import RegistrySettings
from nic_shared import problems
from nic_shared.auth import Principal, Role, authenticate
from nic_shared.clock import ClockDep
from nic_shared.db import SessionDep
from nic_shared.http import etag, require_if_match
from nic_shared.idempotency import RESPONSES as IDEMPOTENT_RESPONSES
from nic_shared.idempotency import Idempotent
from nic_shared.problems import NotFound

router = APIRouter(tags=["organisations"])

_P: dict[str, Any] = {"content": {problems.MEDIA_TYPE: {}}}
ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "No valid token", **_P},
    403: {"description": "Not allowed for this role", **_P},
    404: {"description": "No such organisation", **_P},
    422: {"description": "Invalid body or key, naming the field", **_P},
}


def _settings(request: Request) -> RegistrySettings:
    settings: RegistrySettings = request.app.state.settings
    return settings


Settings = Annotated[RegistrySettings, Depends(_settings)]


def _answer(
    row: Organisation, response: Response, settings: RegistrySettings, who: Principal
) -> OrganisationOut:
    response.headers["ETag"] = etag(row.version)
    return to_out(row, settings.nok_per_eur, financials=sees_financials(who, row.key))


@router.get(
    "/v1/organisation-forms",
    summary="Brønnøysund organisation forms and their sectors",
    responses=ERRORS,
)
async def list_organisation_forms(_who: Anyone) -> list[OrgFormOut]:
    return [
        OrgFormOut(
            code=f.code, description=f.description, sector=f.sector, public=f.code in PUBLIC_FORMS
        )
        for f in ORG_FORMS.values()
    ]


@router.post(
    "/v1/organisations",
    status_code=201,
    response_model=OrganisationOut,
    summary="Register an organisation by hand",
    responses={
        **ERRORS,
        **IDEMPOTENT_RESPONSES,
        409: {"description": "Already registered, or Idempotency-Key reused", **_P},
    },
)
async def create_organisation(
    body: OrganisationCreate,
    session: SessionDep,
    clock: ClockDep,
    who: ClusterWriter,
    settings: Settings,
    response: Response,
    once: Idempotent,
) -> OrganisationOut | Response:
    async def work() -> OrganisationOut:
        row = await service.create(session, body, clock())
        response.headers["Location"] = f"/v1/organisations/{row.key}"
        return _answer(row, response, settings, who)

    return await once.run(work, body=body.model_dump(mode="json"), response=response)


@router.get("/v1/organisations", summary="Organisations by key", responses=ERRORS)
async def list_organisations(
    session: SessionDep,
    who: Reader,
    settings: Settings,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> OrganisationPage:
    rows = await service.page(session, limit=limit, after=after(cursor, 1))
    return OrganisationPage(
        items=[to_out(r, settings.nok_per_eur, financials=sees_financials(who)) for r in rows],
        next_cursor=next_cursor(rows, limit, rows[-1].key if rows else ""),
    )


@router.get("/v1/organisations/{key}", summary="One organisation", responses=ERRORS)
async def get_organisation(
    key: KeyPath,
    session: SessionDep,
    who: Annotated[Principal, Depends(authenticate)],
    settings: Settings,
    response: Response,
) -> OrganisationOut:
    org_key = service.parse_key(key)
    own = who.has_role(Role.APPLICANT) and who.org_number == org_key
    staff = who.has_role(Role.PROGRAMME_OFFICER, Role.CLUSTER_MANAGER)
    if not (own or staff or who.has_scope(READ_SCOPE)):
        raise NotFound(f"no organisation {org_key}")
    return _answer(await service.get(session, org_key), response, settings, who)


@router.patch(
    "/v1/organisations/{key}",
    summary="Change what the registry holds about an organisation",
    responses={
        **ERRORS,
        412: {"description": "If-Match is stale", **_P},
        428: {"description": "If-Match is missing", **_P},
    },
)
async def update_organisation(
    key: KeyPath,
    body: OrganisationPatch,
    session: SessionDep,
    clock: ClockDep,
    who: Officer,
    settings: Settings,
    response: Response,
    if_match: Annotated[str | None, Header(description="The organisation's ETag.")] = None,
) -> OrganisationOut:
    row = await service.get(session, service.parse_key(key))
    require_if_match(if_match, row.version)
    return _answer(await service.update(session, row, body, clock()), response, settings, who)


def _brreg(request: Request) -> BrregClient | None:
    client: BrregClient | None = getattr(request.app.state, "brreg", None)
    return client


@router.post(
    "/v1/organisations/{org_number}/brreg-lookup",
    summary="Look the organisation up in Enhetsregisteret and store what it says",
    responses={
        **ERRORS,
        502: {"description": "Brønnøysund gave no usable answer", **_P},
        503: {"description": "Lookups are off (no `brreg_url`): register by hand", **_P},
    },
)
async def lookup_organisation(
    org_number: str,
    session: SessionDep,
    clock: ClockDep,
    who: ClusterWriter,
    settings: Settings,
    response: Response,
    client: Annotated[BrregClient | None, Depends(_brreg)],
) -> OrganisationOut:
    key = service.parse_key(org_number, "org_number")
    if ":" in key:
        raise NotFound("foreign organisations are not in Enhetsregisteret")
    if client is None:
        raise LookupOff("Brønnøysund lookups are off here; register the organisation by hand")
    try:  # before the first query: no database connection is held while Brreg answers
        entity = await client.lookup(key)
    except BrregUnavailable as exc:
        raise BadGateway(str(exc)) from exc
    if entity is None:
        raise NotFound(f"{key} is not in Enhetsregisteret", slug="brreg-unknown-organisation")
    row, created = await service.apply_brreg(session, entity, clock())
    if created:
        response.status_code = 201
        response.headers["Location"] = f"/v1/organisations/{row.key}"
    return _answer(row, response, settings, who)
