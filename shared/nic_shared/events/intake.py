"""Events intake publishes on `nic.intake`."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, model_validator

from nic_shared.email_address import Email
from nic_shared.events.base import EventPayload
from nic_shared.events.specs import RuleSetSpec, Scheme, ScoringSchemeSpec
from nic_shared.money import Nok, OrgNumber, Percent
from nic_shared.patterns import NORWAY_EXCLUDED, ONE_KEY

TOPIC = "nic.intake"


class ClusterStage(BaseModel):
    """Innovasjonsrammen's cluster stage: each cluster forwards `proposals_min` to
    `proposals_max` of the proposals sent to it, between the call's deadline and `deadline`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    proposals_min: int = Field(ge=1)
    proposals_max: int = Field(ge=1)
    deadline: datetime


class CallPublished(EventPayload):
    TYPE = "no.nic.call.published.v1"
    TOPIC = TOPIC
    OPS_SHOWN = frozenset({"code", "title_en", "title_nb"})

    call_id: UUID
    code: str
    scheme: Scheme
    title_nb: str
    title_en: str
    opens_at: datetime
    deadline: datetime
    budget_frame_nok: Nok
    grant_min_nok: Nok | None
    grant_max_nok: Nok | None
    max_aid_intensity_percent: Percent
    required_parts: list[str]
    rule_set: RuleSetSpec
    scoring_scheme: ScoringSchemeSpec
    cluster_stage: ClusterStage | None = Field(
        default=None,
        description="Set when clusters forward proposals first: only what a cluster "
        "forwarded (ClusterPrioritySubmitted) reaches the panel.",
    )
    follows_call_id: UUID | None = Field(
        default=None,
        description="A second-stage call (the formal application): the first-stage call "
        "whose recommended proposals may apply here.",
    )

    def event_subject(self) -> str:
        return str(self.call_id)


class CallDeadlineExtended(EventPayload):
    TYPE = "no.nic.call.deadline_extended.v1"
    TOPIC = TOPIC

    call_id: UUID
    previous_deadline: datetime
    deadline: datetime
    reason: str

    def event_subject(self) -> str:
        return str(self.call_id)


class PartnerRole(StrEnum):
    OWNER = "owner"
    PARTNER = "partner"
    RESEARCH_ORGANISATION = "research_organisation"
    PUBLIC_ACTOR = "public_actor"


class AidBasis(StrEnum):
    DE_MINIMIS = "de_minimis"
    GBER_25 = "gber_25"
    GBER_27 = "gber_27"
    GBER_29 = "gber_29"
    GBER_49 = "gber_49"


class Partner(BaseModel):
    """A participant: a Norwegian organisation number, or a country and a foreign id."""

    model_config = ConfigDict(extra="forbid", frozen=True, json_schema_extra=ONE_KEY)

    org_number: OrgNumber | None = None
    foreign_country: str | None = Field(
        default=None, pattern=r"^[A-Z]{2}$", json_schema_extra={"pattern": NORWAY_EXCLUDED}
    )
    foreign_id: str | None = Field(default=None, min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=300)
    role: PartnerRole
    declared_sme: bool | None = None
    de_minimis_headroom_nok: Nok | None = None

    @model_validator(mode="after")
    def _one_identity(self) -> Partner:
        foreign = self.foreign_country is not None or self.foreign_id is not None
        if (self.org_number is None) == (not foreign) or (
            foreign and (self.foreign_country is None or self.foreign_id is None)
        ):
            raise ValueError(
                "a partner has either an org_number or both foreign_country and foreign_id"
            )
        if self.foreign_country == "NO":
            raise ValueError("a Norwegian partner is identified by its org_number")
        return self

    @property
    def key(self) -> str:
        """The partner's reference in budget lines: the org number or `CC:foreign-id`."""
        return self.org_number or f"{self.foreign_country}:{self.foreign_id}"


class ContactPerson(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=200)
    email: Email
    phone: str | None = Field(default=None, max_length=40)


class BudgetLine(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    category: str = Field(min_length=1, max_length=80)
    year: int = Field(ge=2000, le=2100)
    partner: str = Field(min_length=1, description="A partner's key (org number or CC:foreign-id).")
    amount_nok: Nok


class AttachmentRef(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    attachment_id: UUID
    kind: str
    filename: str
    content_type: str
    size_bytes: int
    sha256: str


class ApplicationContent(BaseModel):
    """The applicant's content of one submitted version, exactly as it was submitted."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str
    summary: str | None = None
    project_start: date | None = None
    project_end: date | None = None
    project_owner: str | None = None
    partners: list[Partner] = Field(default_factory=list)
    contact_person: ContactPerson | None = None
    legal_entity: OrgNumber | None = None
    cluster_id: UUID | None = None
    budget: list[BudgetLine] = Field(default_factory=list)
    requested_amount_nok: Nok | None = None
    objectives: list[str] = Field(default_factory=list)
    aid_basis: AidBasis | None = None
    implementation_plan: str | None = None
    attachments: list[AttachmentRef] = Field(default_factory=list)


class ApplicationSubmitted(EventPayload):
    """A complete submitted version; a resubmission before the deadline is a new version."""

    TYPE = "no.nic.application.submitted.v1"
    TOPIC = TOPIC
    OPS_SHOWN = frozenset({"version"})

    application_id: UUID
    call_id: UUID
    scheme: Scheme
    version: int = Field(ge=1)
    applicant_org_number: OrgNumber
    submitted_at: datetime
    content: ApplicationContent
    content_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")

    def event_subject(self) -> str:
        return str(self.application_id)


class ApplicationWithdrawn(EventPayload):
    TYPE = "no.nic.application.withdrawn.v1"
    TOPIC = TOPIC

    application_id: UUID
    call_id: UUID
    reason: str
    withdrawn_at: datetime

    def event_subject(self) -> str:
        return str(self.application_id)


class PrioritisedProposal(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    application_id: UUID
    rank: int = Field(ge=1)


class ClusterPrioritySubmitted(EventPayload):
    """Innovasjonsrammen stage 5: a cluster forwards 2–4 ranked proposals to the programme.

    `proposals` is the cluster's own order (rank 1 first); `not_forwarded` the other
    proposals sent to the cluster in the call, closed by this forwarding. One per call and
    cluster: intake refuses a second one.
    """

    TYPE = "no.nic.cluster_priority.submitted.v1"
    TOPIC = TOPIC

    call_id: UUID
    cluster_id: UUID
    proposals: list[PrioritisedProposal]
    not_forwarded: list[UUID] = Field(default_factory=list)
    submitted_at: datetime

    def event_subject(self) -> str:
        return f"{self.call_id}:{self.cluster_id}"


class ClusterStageLapsed(EventPayload):
    """Innovasjonsrammen stage 5 not taken: a cluster forwarded nothing by its deadline.

    Intake's sweep closes every proposal still open that was sent to the cluster in the
    call (`not_forwarded`), once per call and cluster; a cluster that forwarded gets
    ClusterPrioritySubmitted instead, never both. Scoring closes them for the panel.
    """

    TYPE = "no.nic.cluster_priority.lapsed.v1"
    TOPIC = TOPIC

    call_id: UUID
    cluster_id: UUID
    not_forwarded: list[UUID]
    cluster_deadline: datetime
    lapsed_at: datetime

    def event_subject(self) -> str:
        return f"{self.call_id}:{self.cluster_id}"


class DecisionOutcome(StrEnum):
    GRANTED = "granted"
    REJECTED = "rejected"
    RESERVE = "reserve"


class AdmissionKind(StrEnum):
    """What a granted admission decision gives a cluster in the registry (PROGRAMME.md §1)."""

    ARENA = "arena"
    ARENA_PRO = "arena_pro"
    GCE = "gce"
    NCE_BRAND = "nce_brand"
    MATURE_QUALIFICATION = "mature_qualification"


class FundingDecided(EventPayload):
    """An approved (four-eyes) decision on one application, sent to the applicant.

    Each new version of a decision (a reserve promoted, a corrected amount) is a new event
    with a higher `decision_version`; consumers keep the highest. `admission` is set on
    admission calls (Arena, Arena Pro, GCE, NCE, mature qualification): a granted one
    becomes a level period in the registry from `period_start`.
    """

    TYPE = "no.nic.funding.decided.v1"
    TOPIC = TOPIC
    OPS_SHOWN = frozenset({"decision_version"})

    decision_id: UUID
    decision_version: int = Field(ge=1)
    application_id: UUID
    call_id: UUID
    scheme: Scheme
    applicant_org_number: OrgNumber
    cluster_id: UUID | None = None
    outcome: DecisionOutcome
    amount_nok: Nok = Field(description="Granted amount; 0 unless the outcome is granted.")
    admission: AdmissionKind | None = None
    period_start: date | None = None
    decided_at: datetime

    def event_subject(self) -> str:
        return str(self.application_id)
