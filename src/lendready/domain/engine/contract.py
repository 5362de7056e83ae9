"""The exchange contracts as pydantic models: the case file and the assessment output.

These are the published shapes other tools rely on (docs/case-format.md). The
engine itself reads and writes them with hand-written checks that give better
messages and start faster; these models state the contract in one place, let
the suite check every output against it, and can print a JSON Schema for
anyone integrating with lendready (``python -m lendready.domain.engine.contract``).
"""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

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
    """One scenario: figures when it applies, else the reason it does not (and no figures)."""

    id: Literal["income_fall_small", "income_fall_large", "contract_lost", "termination_for_convenience",
                "payment_delay_short", "payment_delay_long", "rate_rise", "cost_rise", "combined"]
    label: str
    applies: bool
    reason: str | None = None
    band: Band | None = None
    dscr: float | None = None
    interest_cover: float | None = None
    lowest_forecast_cash: float | None = None
    lowest_cash_month: str | None = None
    timing_only: bool | None = None

    @model_validator(mode="after")
    def _figures_only_when_it_applies(self) -> StressOut:
        if self.applies and (self.band is None or self.timing_only is None or self.reason is not None):
            raise ValueError("a scenario that applies has a band and timing_only, and no reason")
        if not self.applies and (self.reason is None or self.band is not None or self.dscr is not None):
            raise ValueError("a scenario that does not apply has a reason and no figures")
        return self


class ChangeOut(Strict):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    question: str
    from_: Any = Field(alias="from")
    to: Any


class ProposalOut(Strict):
    changes: list[ChangeOut] = Field(min_length=1, max_length=2)
    band: Band


class LoanSizingOut(Strict):
    term_months: int
    max_amount: int
    comfortable_amount: int
    band_at_max: Band
    limited_by: list[str]
    shortest_term_months: int | None
    caveats: list[Literal["no_forecast", "default_rate_used", "contract_ends_within_term", "pension_deficit",
                          "pension_exit_debt", "valuation_unverified"]]


class FinanceFitOut(Strict):
    id: str
    name: str
    why: str


class AssessmentOutput(Strict):
    """What ``lendready assess CASE --format json`` prints (without ``--trace``)."""

    lendready_version: str
    rules_version: str
    as_of: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$")
    organisation: str | None
    band: Band
    areas: list[AreaOut] = Field(min_length=7, max_length=7)
    metrics: MetricsOut
    findings: list[FindingOut]
    unanswered: list[str]
    invalid: list[InvalidOut]
    stress: list[StressOut] = Field(min_length=9, max_length=9)
    loan_sizing: LoanSizingOut | None = None
    to_improve: list[ProposalOut] = Field(max_length=5)
    finance_fits: list[FinanceFitOut]


if __name__ == "__main__":  # pragma: no cover
    print(json.dumps({"case_file": CaseFileSchema.model_json_schema(),
                      "assessment": AssessmentOutput.model_json_schema()}, indent=2))
