"""The answers a borrower could change, as reviewed data (``resources/improve.toml``).

The search over them lives in :mod:`lendready.domain.advice.proposals`; this module
reads, checks and lints the list, so ``lendready lint`` names the file, the
question and the field at fault.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal, NamedTuple

IMPROVE_FILE = "improve.toml"
KINDS = ("set", "add", "reserves_months", "loan_comfortable", "loan_max", "shortest_term", "copy", "of_loan")


# ---------------------------------------------------------------------------
# improve.toml


class ChangeSpec(NamedTuple):
    question: str
    kind: str
    values: tuple[Any, ...] = ()
    steps: tuple[float, ...] = ()
    source: str | None = None
    controllable: bool = True
    """False for a value the borrower cannot choose (a building's value): ranked after those it can."""


def _schema() -> Any:
    from pydantic import BaseModel, ConfigDict, Field, model_validator

    class ChangeData(BaseModel):
        model_config = ConfigDict(extra="forbid", strict=True)
        question: str = Field(min_length=1)
        kind: Literal["set", "add", "reserves_months", "loan_comfortable", "loan_max", "shortest_term", "copy",
                      "of_loan"]
        values: list[str | int | float] = []
        steps: list[int | float] = []
        source: str | None = None
        controllable: bool = True

        @model_validator(mode="after")
        def _fits_kind(self) -> ChangeData:
            if self.kind == "set" and not self.values:
                raise ValueError("kind 'set' needs values")
            if self.kind in ("add", "reserves_months", "of_loan") and not self.steps:
                raise ValueError(f"kind '{self.kind}' needs steps")
            if self.kind == "copy" and not self.source:
                raise ValueError("kind 'copy' needs source")
            if self.kind in ("reserves_months", "of_loan") and any(s <= 0 for s in self.steps):
                raise ValueError("steps must be above 0")
            return self

    class ImproveFile(BaseModel):
        model_config = ConfigDict(extra="forbid", strict=True)
        changes: list[ChangeData] = Field(min_length=1)

    return ImproveFile


def _where(data: Any, loc: tuple[Any, ...]) -> tuple[str, str]:
    """(question id or '', field path) for a pydantic error location."""
    if len(loc) >= 2 and loc[0] == "changes" and isinstance(loc[1], int):
        items = data.get("changes") if isinstance(data, dict) else None
        item = items[loc[1]] if isinstance(items, list) and loc[1] < len(items) else None
        qid = item.get("question") if isinstance(item, dict) and isinstance(item.get("question"), str) else ""
        if not qid:
            qid = f"changes[{loc[1]}]"
        rest = [str(p) for p in loc[2:] if not str(p).startswith(("function-after", "str", "int", "float"))]
        return qid, ".".join(rest) or "(item)"
    return "", ".".join(str(p) for p in loc) or "(file)"


def check_specs(data: Any, questionnaire: Any) -> tuple[list[ChangeSpec], list[str]]:
    """Validate parsed improve.toml data; problems as ``improve.toml:<question>: field: problem``."""
    from pydantic import ValidationError

    problems: list[str] = []
    try:
        parsed = _schema().model_validate(data)
    except ValidationError as exc:
        seen = set()
        for err in exc.errors():
            qid, field = _where(data, tuple(err.get("loc", ())))
            msg = err.get("msg", "invalid").removeprefix("Value error, ")
            line = f"{IMPROVE_FILE}:{qid}: {field}: {msg}" if qid else f"{IMPROVE_FILE}: {field}: {msg}"
            if line not in seen:
                seen.add(line)
                problems.append(line)
        return [], problems
    specs: list[ChangeSpec] = []
    seen_q: set[tuple[str, str]] = set()
    for c in parsed.changes:
        where = f"{IMPROVE_FILE}:{c.question}"
        q = questionnaire.questions.get(c.question)
        if q is None:
            problems.append(f"{where}: question: no such question")
            continue
        if (c.question, c.kind) in seen_q:
            problems.append(f"{where}: question: listed twice with kind '{c.kind}'")
        seen_q.add((c.question, c.kind))
        numeric = q.type in ("integer", "number", "amount", "percent")
        if c.kind == "set":
            if q.type in ("choice", "yesno"):
                bad = [v for v in c.values if v not in q.choice_values]
                if bad:
                    problems.append(f"{where}: values: {bad[0]!r} is not one of {', '.join(q.choice_values)}")
            elif numeric and any(isinstance(v, str) for v in c.values):
                problems.append(f"{where}: values: must be numbers for a {q.type} question")
        elif not numeric:
            problems.append(f"{where}: kind: '{c.kind}' needs a numeric question, not {q.type}")
        if c.kind == "copy" and c.source not in questionnaire.questions:
            problems.append(f"{where}: source: no such question {c.source!r}")
        if c.kind in ("loan_max", "loan_comfortable") and c.question != "loan.amount":
            problems.append(f"{where}: kind: '{c.kind}' applies only to loan.amount")
        if c.kind == "shortest_term" and c.question != "loan.term_months":
            problems.append(f"{where}: kind: 'shortest_term' applies only to loan.term_months")
        specs.append(ChangeSpec(c.question, c.kind, tuple(c.values), tuple(float(s) for s in c.steps), c.source,
                                c.controllable))
    return specs, problems


def lint(root: Path, questionnaire: Any) -> list[str]:
    """Every problem in ``root/improve.toml``."""
    import tomllib

    path = Path(root) / IMPROVE_FILE
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        return [f"{IMPROVE_FILE}: (file): missing"]
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        return [f"{IMPROVE_FILE}: (file): cannot parse TOML: {exc}"]
    return check_specs(data, questionnaire)[1]


_SPECS: dict[str, list[ChangeSpec]] = {}


def _plain_specs(data: Any, questionnaire: Any) -> list[ChangeSpec] | None:
    """The change list without pydantic (kept off the command line's start-up); None if anything is off."""
    allowed = {"question", "kind", "values", "steps", "source", "controllable"}
    items = data.get("changes") if isinstance(data, dict) else None
    if not isinstance(items, list) or not items or set(data) != {"changes"}:
        return None
    specs = []
    for c in items:
        if not isinstance(c, dict) or not set(c) <= allowed or c.get("kind") not in KINDS:
            return None
        q = questionnaire.questions.get(c.get("question"))
        values, steps = c.get("values", []), c.get("steps", [])
        if q is None or not isinstance(values, list) or not isinstance(steps, list):
            return None
        if any(isinstance(x, bool) or not isinstance(x, (int, float)) for x in steps):
            return None
        kind = c["kind"]
        if kind == "set" and (not values or (q.type in ("choice", "yesno") and not set(values) <= set(q.choice_values))):
            return None
        if kind != "set" and q.type not in ("integer", "number", "amount", "percent"):
            return None
        if kind in ("add", "reserves_months", "of_loan") and not steps:
            return None
        if kind == "copy" and c.get("source") not in questionnaire.questions:
            return None
        if kind in ("loan_max", "loan_comfortable") and c["question"] != "loan.amount":
            return None
        if kind == "shortest_term" and c["question"] != "loan.term_months":
            return None
        controllable = c.get("controllable", True)
        if not isinstance(controllable, bool):
            return None
        specs.append(ChangeSpec(c["question"], kind, tuple(values), tuple(float(x) for x in steps), c.get("source"),
                                controllable))
    return specs


def load_specs(knowledge: Any) -> list[ChangeSpec]:
    """The checked change list for the knowledge's resources (cached per folder, and on disk).

    The pydantic schema (:func:`check_specs`) is run only when the quick check finds
    something wrong, to name every problem; ``lendready lint`` runs it always. The
    parsed file is kept in the resource cache so the command line need not load
    the TOML parser on every run.
    """
    from lendready.domain.engine.knowledge import ResourceError, cached_validated, fingerprint

    key = str(knowledge.root)
    if key not in _SPECS:
        root = Path(knowledge.root)
        path = root / IMPROVE_FILE

        def read() -> tuple[Any, list[str]]:
            import tomllib

            try:
                with path.open("rb") as fh:
                    return tomllib.load(fh), []
            except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
                return None, lint(root, knowledge.questionnaire) or [f"{IMPROVE_FILE}: (file): not usable"]

        try:
            digest = fingerprint(root, [path])
        except OSError:
            raise ResourceError(lint(root, knowledge.questionnaire) or [f"{IMPROVE_FILE}: (file): missing"]) from None
        data = cached_validated("improve", digest, read)
        specs = _plain_specs(data, knowledge.questionnaire)
        problems: list[str] = []
        if specs is None:
            specs, problems = check_specs(data, knowledge.questionnaire)
        if problems or specs is None:
            raise ResourceError(problems or [f"{IMPROVE_FILE}: (file): not usable"])
        _SPECS[key] = specs
    return _SPECS[key]


__all__ = ["ChangeSpec", "KINDS", "check_specs", "lint", "load_specs"]
