"""The exchange contracts as pydantic models: the case file and the assessment output.

These are the published shapes other tools rely on (docs/case-format.md). The
engine itself reads and writes them with hand-written checks that give better
messages and start faster; these models state the contract in one place, let
the suite check every output against it, and can print a JSON Schema for
anyone integrating with lendready (``python -m lendready.domain.contract``).
"""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Role = Literal["lender", "founder", "trainer"]
Band = Literal["ready", "nearly_ready", "not_ready", "incomplete"]
AreaId = Literal["organisation", "governance", "asset_lock", "cashflow", "income", "security", "people"]
Rating = Literal["green", "amber", "red", "unknown"]
Severity = Literal["blocker", "high", "medium", "low", "info"]


class ForecastRow(BaseModel):
    model_config = ConfigDict(extra="allow")
    month: str
    receipts: float
    payments: float


class CaseFileSchema(BaseModel):
    """A ``*.lendready`` file. Unknown top-level fields are allowed and kept."""

    model_config = ConfigDict(extra="allow")
    format: Literal["lendready-case"]
    format_version: int = Field(ge=1)
    case_id: str
    created: str
    modified: str
    prepared_by: Role
    answers: dict[str, str | int | float | list[ForecastRow]]
    notes: dict[str, str] = {}


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AreaOut(Strict):
    id: AreaId
    rating: Rating


class EvidenceOut(Strict):
    question: str
    value: Any


class FindingOut(Strict):
    id: str
    area: AreaId
    severity: Severity
    title: str
    evidence: list[EvidenceOut]
    why_it_matters: str
    what_to_do: str


class MetricsOut(Strict):
    dscr: float | None = None
    interest_cover: float | None = None
    reserves_months: float | None = None
    ltv: float | None = None
    annual_loan_repayment: float | None = None
    lowest_forecast_cash: float | None = None
    lowest_cash_month: str | None = None


class InvalidOut(Strict):
    question: str
    value: Any
    message: str


class StressOut(Strict):
    id: str
    label: str
    lowest_forecast_cash: float | None
    lowest_cash_month: str | None
    dscr: float | None
    band: Band


class ChangeOut(Strict):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    question: str
    from_: Any = Field(alias="from")
    to: Any


class ProposalOut(Strict):
    changes: list[ChangeOut] = Field(min_length=1, max_length=2)
    band: Band


class LoanSizingOut(Strict):
    max_amount: float | None
    shortest_term_months: int | None
    dscr_target: float | None


class AssessmentOutput(Strict):
    """What ``lendready assess CASE --format json`` prints (without ``--trace``)."""

    lendready_version: str
    rules_version: str
    organisation: str | None
    band: Band
    areas: list[AreaOut] = Field(min_length=7, max_length=7)
    metrics: MetricsOut
    findings: list[FindingOut]
    unanswered: list[str]
    invalid: list[InvalidOut]
    stress: list[StressOut]
    to_improve: list[ProposalOut]
    loan_sizing: LoanSizingOut


if __name__ == "__main__":  # pragma: no cover
    print(json.dumps({"case_file": CaseFileSchema.model_json_schema(),
                      "assessment": AssessmentOutput.model_json_schema()}, indent=2))
