"""`POST /v1/eligibility/check`: the rule results for an application body, before anyone
submits. Nothing is stored. The registry is asked for facts without a database connection
held; if it cannot answer, 503 with Retry-After (no guess on missing facts)."""

from __future__ import annotations

import logging
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response

from nic_eligibility import problem_types  # noqa: F401  (registers the problem titles)
from nic_eligibility.access import is_officer
from nic_eligibility.assessments.inputs import gather, load_terms
from nic_eligibility.assessments.views import reasons, rule_results
from nic_eligibility.check.schemas import CheckIn, CheckOut
from nic_eligibility.domain import EligibilityError, FactsIncomplete, assess
from nic_eligibility.registry import RegistryClient, RegistryContractError, RegistryUnavailable
from nic_shared.auth import CurrentPrincipal, Principal, Role
from nic_shared.clock import ClockDep
from nic_shared.db import Database
from nic_shared.i18n import language
from nic_shared.problems import MEDIA_TYPE, Conflict, Forbidden, NotFound, ServiceUnavailable

log = logging.getLogger(__name__)

router = APIRouter(prefix="/v1", tags=["dry run"])
PROBLEM: dict[str, Any] = {"content": {MEDIA_TYPE: {}}}
RETRY_AFTER_S = "5"


async def _checker(principal: CurrentPrincipal) -> Principal:
    if is_officer(principal) or (principal.has_role(Role.APPLICANT) and principal.org_number):
        return principal
    raise Forbidden(
        "the dry run is for applicants and programme officers",
        detail_nb="prøvevurderingen er for søkere og saksbehandlere",
    )


def _unavailable(detail: str, detail_nb: str) -> ServiceUnavailable:
    return ServiceUnavailable(
        detail,
        detail_nb=detail_nb,
        slug="registry-unavailable",
        headers={"Retry-After": RETRY_AFTER_S},
    )


@router.post(
    "/eligibility/check",
    response_model=CheckOut,
    summary="Dry run: would this application be eligible? (nothing is stored)",
    responses={
        403: {"description": "Not an applicant of this organisation, nor an officer", **PROBLEM},
        404: {"description": "The call is not known (not published)", **PROBLEM},
        409: {"description": "The call's rule set cannot be used", **PROBLEM},
        503: {"description": "The registry cannot answer now; see Retry-After", **PROBLEM},
    },
)
async def check_eligibility(
    body: CheckIn,
    request: Request,
    response: Response,
    principal: Annotated[Principal, Depends(_checker)],
    clock: ClockDep,
) -> CheckOut:
    if not is_officer(principal) and principal.org_number != body.applicant_org_number:
        raise Forbidden(
            "applicants check applications of their own organisation",
            detail_nb="søkere kan prøve søknader fra egen organisasjon",
        )
    db: Database = request.app.state.db
    async with db.transaction() as session:  # released before the registry is asked
        terms = await load_terms(session, body.call_id)
    if terms is None:
        raise NotFound(
            f"no published call {body.call_id}",
            detail_nb=f"ingen publisert utlysning {body.call_id}",
        )
    registry: RegistryClient = request.app.state.registry
    submitted_at = body.submitted_at or clock()
    try:
        data = await gather(
            registry,
            terms,
            content=body.content,
            applicant_org_number=body.applicant_org_number,
            submitted_at=submitted_at,
        )
        decision = assess(data)
    except RegistryUnavailable as exc:
        raise _unavailable(
            "the registry cannot answer now; no decision is made on missing facts",
            "registeret svarer ikke nå; vi vurderer ikke uten fakta",
        ) from exc
    except (RegistryContractError, FactsIncomplete) as exc:
        log.error("registry facts unusable", extra={"error": str(exc)[:500]})
        raise _unavailable(
            "the registry's facts do not cover the application; try again later",
            "registerets fakta dekker ikke søknaden; prøv igjen senere",
        ) from exc
    except EligibilityError as exc:
        raise Conflict(
            f"the call's rule set cannot be used: {exc}",
            detail_nb=f"utlysningens regelsett kan ikke brukes: {exc}",
            slug="rule-set-unavailable",
        ) from exc
    lang = language(request.headers.get("accept-language"))
    response.headers["Content-Language"] = lang
    response.headers["Cache-Control"] = "no-store"
    results = rule_results(decision.summaries(), lang)
    return CheckOut(
        call_id=body.call_id,
        outcome=decision.outcome,
        rule_set=decision.rule_set,
        submitted_at=submitted_at,
        facts_as_of=decision.facts_as_of,
        reasons=reasons(results),
        rule_results=results,
    )
