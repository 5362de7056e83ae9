"""Reading and writing ``*.lendready`` case files: the exchange format.

A case travels from a founder's laptop to a bank, so a file may be damaged,
written by a newer lendready, or made to do harm. The loader therefore refuses
anything it cannot trust with one message that names the problem (and the
question where there is one), and it never executes or interprets file content.
What it does not recognise but can keep (answers to questions a newer version
asks, extra top-level fields) it keeps and writes back unchanged.

Saving is atomic: the new content is written to a temporary file beside the
target, flushed to disk, then renamed over it, so a crash or power cut leaves
either the old file or the new one, never half of each.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from lendready.domain.questionnaire import ROLES, Questionnaire, type_problem

FORMAT = "lendready-case"
FORMAT_VERSION = 1
MAX_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 64
KNOWN_FIELDS = ("format", "format_version", "case_id", "created", "modified", "prepared_by", "answers", "notes")


class CaseFileError(Exception):
    """A case file lendready refuses to open; the message is for the user."""

    def __init__(self, message: str, question: str | None = None) -> None:
        self.question = question
        super().__init__(message)


class Case:
    """A case in memory: answers and notes, plus whatever a newer version wrote that we keep.

    A plain class rather than a dataclass: the command line is measured against
    bare interpreter start-up, and the dataclasses machinery costs more to
    import than the whole assessment.
    """

    __slots__ = ("case_id", "created", "modified", "prepared_by", "answers", "notes", "extra", "warnings",
                 "loaded_version")

    def __init__(
        self,
        case_id: str,
        created: str,
        modified: str,
        prepared_by: str = "lender",
        answers: dict[str, Any] | None = None,
        notes: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
        warnings: list[str] | None = None,
        loaded_version: int = FORMAT_VERSION,
    ) -> None:
        self.case_id = case_id
        self.created = created
        self.modified = modified
        self.prepared_by = prepared_by
        self.answers: dict[str, Any] = answers if answers is not None else {}
        self.notes: dict[str, str] = notes if notes is not None else {}
        self.extra: dict[str, Any] = extra if extra is not None else {}
        self.warnings: list[str] = warnings if warnings is not None else []
        self.loaded_version = loaded_version

    def __repr__(self) -> str:
        return f"Case({self.case_id!r}, prepared_by={self.prepared_by!r}, {len(self.answers)} answers)"


def now_utc() -> str:
    import datetime as dt  # imported here: only saving and new cases need it

    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _new_id() -> str:
    import uuid  # imported here: only new cases need it, and the CLI's start-up is measured

    return str(uuid.uuid4())


def new_case(prepared_by: str = "lender") -> Case:
    if prepared_by not in ROLES:
        raise ValueError(f"prepared_by must be one of {', '.join(ROLES)}")
    stamp = now_utc()
    return Case(case_id=_new_id(), created=stamp, modified=stamp, prepared_by=prepared_by)


# Older format versions are upgraded in memory, one step at a time; the file
# is rewritten in the current version only when the user saves.
MIGRATIONS: dict[int, Any] = {}


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise CaseFileError(f"the file is damaged: the key '{key}' appears twice in one object")
        out[key] = value
    return out


def _reject_constant(name: str) -> Any:
    raise CaseFileError(f"the file holds '{name}', which is not a number lendready accepts")


def _depth_ok(value: Any, limit: int = MAX_DEPTH) -> bool:
    stack = [(value, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return False
        if isinstance(node, dict):
            stack.extend((v, depth + 1) for v in node.values())
        elif isinstance(node, list):
            stack.extend((v, depth + 1) for v in node)
    return True


def parse_case(raw: bytes, questionnaire: Questionnaire) -> Case:
    """Turn file bytes into a Case or raise CaseFileError naming what is wrong."""
    if len(raw) > MAX_BYTES:
        raise CaseFileError(f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB; a case file is far smaller")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CaseFileError(f"the file is not UTF-8 text (bad byte at position {exc.start})") from None
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_reject_constant)
    except CaseFileError:
        raise
    except RecursionError:
        raise CaseFileError("the file is nested too deeply to be a case file") from None
    except ValueError as exc:
        raise CaseFileError(f"the file is not valid JSON ({exc})") from None
    if not isinstance(data, dict):
        raise CaseFileError("the file is JSON but not a case: it must be a JSON object")
    if not _depth_ok(data):
        raise CaseFileError("the file is nested too deeply to be a case file")
    if data.get("format") != FORMAT:
        raise CaseFileError(f"this is not a lendready case file ('format' must be \"{FORMAT}\")")
    version = data.get("format_version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise CaseFileError("'format_version' must be a whole number")
    if version > FORMAT_VERSION:
        raise CaseFileError(
            f"the file was written by a newer lendready (format version {version}); this version reads "
            f"format version {FORMAT_VERSION} and older. Update lendready to open it."
        )
    loaded_version = version
    while version < FORMAT_VERSION:
        step = MIGRATIONS.get(version)
        if step is None:
            raise CaseFileError(f"format version {version} is not one lendready has ever written")
        data = step(data)
        version += 1

    for name in ("case_id", "created", "modified"):
        if name in data and not isinstance(data[name], str):
            raise CaseFileError(f"'{name}' must be text")
    prepared_by = data.get("prepared_by", "lender")
    if prepared_by not in ROLES:
        raise CaseFileError(f"'prepared_by' must be one of: {', '.join(ROLES)}")

    answers = data.get("answers", {})
    if not isinstance(answers, dict):
        raise CaseFileError("'answers' must be an object mapping question ids to values")
    warnings: list[str] = []
    for qid, value in answers.items():
        question = questionnaire.questions.get(qid)
        if question is None:
            warnings.append(f"{qid}: not a question this version asks; kept unchanged")
            continue
        problem = type_problem(question, value)
        if problem:
            raise CaseFileError(f"the answer to {qid} has the wrong type: {problem}", question=qid)

    notes = data.get("notes", {})
    if not isinstance(notes, dict):
        raise CaseFileError("'notes' must be an object mapping question ids to text")
    for qid, note in notes.items():
        if not isinstance(note, str):
            raise CaseFileError(f"the note on {qid} must be text", question=qid)

    created = data.get("created") or now_utc()
    return Case(
        case_id=data.get("case_id") or _new_id(),
        created=created,
        modified=data.get("modified") or created,
        prepared_by=prepared_by,
        answers=dict(answers),
        notes=dict(notes),
        extra={k: v for k, v in data.items() if k not in KNOWN_FIELDS},
        warnings=warnings,
        loaded_version=loaded_version,
    )


def load_case(path: str | os.PathLike[str], questionnaire: Questionnaire) -> Case:
    """Read a case file from disk, refusing oversize files before reading them."""
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > MAX_BYTES:
            raise CaseFileError(
                f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB; a case file is far smaller"
            )
        with p.open("rb") as fh:
            raw = fh.read(MAX_BYTES + 1)
    except CaseFileError:
        raise
    except IsADirectoryError:
        raise CaseFileError(f"{p} is a folder, not a case file") from None
    except FileNotFoundError:
        raise CaseFileError(f"there is no file at {p}") from None
    except PermissionError:
        raise CaseFileError(f"lendready is not allowed to read {p}") from None
    except OSError as exc:
        raise CaseFileError(f"cannot read {p}: {exc.strerror or exc}") from None
    return parse_case(raw, questionnaire)


def to_document(case: Case, questionnaire: Questionnaire) -> dict[str, Any]:
    """The JSON document for a case: contract fields first, answers in questionnaire order."""
    ordered = sorted(case.answers, key=questionnaire.position)
    doc: dict[str, Any] = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "case_id": case.case_id,
        "created": case.created,
        "modified": case.modified,
        "prepared_by": case.prepared_by,
        "answers": {qid: case.answers[qid] for qid in ordered},
    }
    if case.notes:
        doc["notes"] = {qid: case.notes[qid] for qid in sorted(case.notes, key=questionnaire.position)}
    for key, value in case.extra.items():
        doc.setdefault(key, value)
    return doc


def dumps(case: Case, questionnaire: Questionnaire) -> str:
    return json.dumps(to_document(case, questionnaire), ensure_ascii=False, indent=2) + "\n"


def atomic_write(path: str | os.PathLike[str], content: bytes) -> None:
    """Write-temp, fsync, rename, fsync-folder: the file is always old or new, never torn."""
    import tempfile  # imported here: only saving needs it, and the CLI's start-up is measured

    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(content)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    if hasattr(os, "O_DIRECTORY"):
        try:
            dir_fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
        except OSError:
            return
        try:
            os.fsync(dir_fd)
        except OSError:
            pass
        finally:
            os.close(dir_fd)


def save_case(
    case: Case, path: str | os.PathLike[str], questionnaire: Questionnaire, *, touch: bool = True
) -> None:
    """Save atomically; ``touch`` stamps ``modified`` with the current time first."""
    if touch:
        case.modified = now_utc()
    atomic_write(path, dumps(case, questionnaire).encode("utf-8"))


def answers_view(case: Case | Mapping[str, Any]) -> Mapping[str, Any]:
    return case.answers if isinstance(case, Case) else case
