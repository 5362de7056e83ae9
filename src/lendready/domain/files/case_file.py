"""Reading and writing ``*.lendready`` case files: the exchange format.

A case travels from a founder's laptop to a bank, so a file may be damaged,
written by a newer lendready, or made to do harm. The loader therefore refuses
anything it cannot trust with one message that names the problem (and the
question where there is one), and it never executes or interprets file content.
What it does not recognise but can keep (answers to questions a newer version
asks, extra top-level fields) it keeps and writes back unchanged.

Saving is atomic: the new content is written to a temporary file beside the
target, flushed to disk, then renamed over it, so a crash or power cut leaves
either the old file or the new one, never half of each. A process killed in the
middle leaves its temporary file behind (hidden, owner-only, named after the
process); the next save of the same file removes it before it writes.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lendready.domain.engine.questionnaire import ROLES, Questionnaire, type_problem
from lendready.domain.files.outside_text import for_display
from lendready.domain.files.safe_read import UnreadableFile, read_regular, size_text

FORMAT = "lendready-case"
FORMAT_VERSION = 1
MAX_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 64
MAX_UNKNOWN = 1000
"""Answers to questions this version does not ask, kept for a newer one: far more than a version adds."""
KNOWN_FIELDS = ("format", "format_version", "case_id", "created", "modified", "prepared_by", "answers", "notes")


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """What a case file on disk was when lendready last read or wrote it.

    On a shared drive someone else may save the same case while it is open here;
    comparing this with the file before saving over it is how that is noticed.
    """

    path: str
    size: int
    mtime_ns: int
    sha256: str

    @classmethod
    def of(cls, path: Path, raw: bytes) -> Fingerprint | None:
        try:
            info = os.stat(path)
        except OSError:
            return None
        return cls(str(path), info.st_size, info.st_mtime_ns, hashlib.sha256(raw).hexdigest())

    def still_matches(self) -> bool:
        """Whether the file is still this one; a file that has gone counts as unchanged (nothing to lose)."""
        try:
            info = os.stat(self.path)
        except FileNotFoundError:
            return True
        except OSError:
            return False
        if info.st_size == self.size and info.st_mtime_ns == self.mtime_ns:
            return True
        if info.st_size != self.size:
            return False
        try:  # same size, new time: touched, or really changed; the content decides
            raw = read_regular(self.path, MAX_BYTES, "case file")
        except UnreadableFile:
            return False
        return hashlib.sha256(raw).hexdigest() == self.sha256


class CaseSaveError(Exception):
    """A save lendready refused; nothing was written, and the message is for the user."""


class CaseTooLarge(CaseSaveError):
    """The case would be over the size a case file may be: lendready never writes a file it would refuse."""


class ReadOnlyCase(CaseSaveError):
    """The file is read-only: someone made it so, and lendready keeps it so."""


class ChangedOnDisk(CaseSaveError):
    """The file was changed by someone else since this case was read from it."""

    def __init__(self, message: str, path: Path) -> None:
        self.path = path
        super().__init__(message)


class CaseFileError(Exception):
    """A case file lendready refuses to open; the message is for the user."""

    def __init__(self, message: str, question: str | None = None) -> None:
        self.question = question
        super().__init__(message)


@dataclass(slots=True, eq=False, repr=False)
class Case:
    """A case in memory: answers and notes, plus whatever a newer version wrote that we keep.

    Compared by identity (``eq=False``): a case is a document being edited, not a value.
    """

    case_id: str
    created: str
    modified: str
    prepared_by: str = "lender"
    answers: dict[str, Any] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    loaded_version: int = FORMAT_VERSION
    on_disk: Fingerprint | None = None
    """The file this case was last read from or written to, as it was then (None: never on disk)."""

    def __repr__(self) -> str:
        # Never the answers themselves: a repr can end up in a log.
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


def _shown(key: str, limit: int = 60) -> str:
    """A key as a message may show it: acting characters and lone surrogates as visible tokens, length capped.

    A refusal is printed on a terminal and shown in a dialog, so a key from the
    file must not carry escape sequences, nor text that cannot be encoded; the
    tokens are the ones every renderer uses, so a key reads alike everywhere.
    """
    out = for_display(key[:limit])
    return out + "…" if len(key) > limit else out


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise CaseFileError(f"the file is damaged: the key '{_shown(key)}' appears twice in one object")
        out[key] = value
    return out


_CONSTANTS = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}
# A \uD800-\uDFFF escape is valid JSON, but alone it is not a character: such text could never be saved.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _where(path: tuple[Any, ...]) -> str:
    return " → ".join(_shown(p) if isinstance(p, str) else f"item {p + 1}" for p in path) or "the top level"


def _find(data: Any, bad_number: bool, bad_text: bool) -> tuple[tuple[Any, ...], str] | None:
    """The first place holding a non-finite number or text with a lone surrogate, with what it is."""
    stack: list[tuple[Any, tuple[Any, ...]]] = [(data, ())]
    while stack:
        node, path = stack.pop()
        if isinstance(node, dict):
            for key, value in reversed(node.items()):
                if bad_text and _SURROGATE.search(key):
                    return path + (key,), "text"
                stack.append((value, path + (key,)))
        elif isinstance(node, list):
            stack.extend((v, path + (i,)) for i, v in reversed(list(enumerate(node))))
        elif bad_text and isinstance(node, str) and _SURROGATE.search(node):
            return path, "text"
        elif bad_number and isinstance(node, float) and not math.isfinite(node):
            return path, "number"
    return None


def _refuse_unstorable(data: Any, questionnaire: Questionnaire, bad_number: bool, bad_text: bool) -> None:
    """Refuse NaN, Infinity (or a number too large for a double) and lone surrogates anywhere.

    Answers to known questions are checked by type first, with their own message;
    this catches the rest (unknown answers and fields, extra keys in a forecast
    row), which lendready would otherwise keep and then be unable to write back.
    """
    found = _find(data, bad_number, bad_text)
    if found is None:
        return
    path, kind = found
    qid = path[1] if len(path) > 1 and path[0] in ("answers", "notes") else None
    question = qid if isinstance(qid, str) and qid in questionnaire.questions else None
    if kind == "number":
        raise CaseFileError(
            f"the file holds NaN, Infinity or a number too large to store, at {_where(path)}", question=question
        )
    raise CaseFileError(
        f"the file holds text that is not valid Unicode (a lone surrogate escape), at {_where(path)}",
        question=question,
    )


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
    non_finite: list[bool] = []

    def constant(name: str) -> float:
        non_finite.append(True)
        return _CONSTANTS[name]

    def number(token: str) -> float:
        value = float(token)
        if math.isinf(value):  # 1e400: beyond what a double holds
            non_finite.append(True)
        return value

    try:
        data = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=constant, parse_float=number)
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
    lone_surrogates = _SURROGATE_ESCAPE.search(text) is not None
    if lone_surrogates:
        _refuse_unstorable(data, questionnaire, False, True)
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
    unknown = sum(1 for qid in answers if qid not in questionnaire.questions)
    if unknown > MAX_UNKNOWN:
        raise CaseFileError(
            f"the file holds {unknown:,} answers to questions this version does not ask; a case has about "
            f"{len(questionnaire.questions):,} questions, and lendready keeps at most {MAX_UNKNOWN:,} it does "
            "not know"
        )
    extra_fields = sum(1 for key in data if key not in KNOWN_FIELDS)
    if extra_fields > MAX_UNKNOWN:
        raise CaseFileError(f"the file holds {extra_fields:,} fields lendready does not know; a case has 8")
    warnings: list[str] = []
    for qid, value in answers.items():
        question = questionnaire.questions.get(qid)
        if question is None:
            warnings.append(f"{_shown(qid)}: not a question this version asks; kept unchanged")
            continue
        problem = type_problem(question, value)
        if problem:
            raise CaseFileError(f"the answer to {qid} has the wrong type: {problem}", question=qid)

    notes = data.get("notes", {})
    if not isinstance(notes, dict):
        raise CaseFileError("'notes' must be an object mapping question ids to text")
    for qid, note in notes.items():
        if not isinstance(note, str):
            known = qid in questionnaire.questions
            raise CaseFileError(f"the note on {_shown(qid)} must be text", question=qid if known else None)
    if non_finite:
        _refuse_unstorable(data, questionnaire, True, False)

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
    """Read a case file from disk, refusing oversize files before reading them.

    The case remembers the file as it was (:class:`Fingerprint`), so that a save
    can tell whether someone else changed it in the meantime.
    """
    target = real_path(path)
    raw = read_case_bytes(target)
    case = parse_case(raw, questionnaire)
    case.on_disk = Fingerprint.of(target, raw)
    return case


def read_case_bytes(path: str | os.PathLike[str]) -> bytes:
    """A case file's bytes, or CaseFileError saying why not (an oversize file, a FIFO or a device unread)."""
    try:
        return read_regular(path, MAX_BYTES, "case file")
    except UnreadableFile as exc:
        raise CaseFileError(str(exc)) from None


def real_path(path: str | os.PathLike[str]) -> Path:
    """The file a path stands for: a symlink is followed, so saving through it keeps the link."""
    p = Path(path)
    return Path(os.path.realpath(p)) if p.is_symlink() else p


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


STALE_TEMP_SECONDS = 3600
"""A temporary file this old is left over whoever wrote it: no save takes an hour."""


def _writer_gone(pid: int) -> bool:
    if pid == os.getpid():
        return False
    if os.name != "posix":
        return False  # no cheap check; only the age rule applies
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False
    return False


def remove_stale_temps(target: Path) -> int:
    """Remove temporary files of ``target`` left by writers that were killed mid-save; how many went.

    A temporary file is named ``.<name>.<pid>.<random>.tmp``: it is removed when that process
    is no longer running, or (whatever wrote it) when it is older than an hour. A save under
    way in another running process is left alone.
    """
    import time

    directory = target.parent if str(target.parent) else Path(".")
    prefix, removed = f".{target.name}.", 0
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return 0
    for entry in entries:
        name = entry.name
        if not (name.startswith(prefix) and name.endswith(".tmp")):
            continue
        parts = name[len(prefix):-len(".tmp")].split(".")
        if len(parts) > 2:
            continue  # another file's temporary (".<name>.x.<pid>.<random>.tmp")
        try:
            gone = len(parts) == 2 and parts[0].isdigit() and _writer_gone(int(parts[0]))
            if not gone:
                gone = time.time() - entry.stat(follow_symlinks=False).st_mtime > STALE_TEMP_SECONDS
            if gone and entry.is_file(follow_symlinks=False):
                os.unlink(entry.path)
                removed += 1
        except OSError:
            continue
    return removed


def atomic_write(path: str | os.PathLike[str], content: bytes) -> None:
    """Write-temp, fsync, rename, fsync-folder: the file is always old or new, never torn.

    The temporary file (owner-only, hidden) carries this process's id, so that a later save
    can tell one left by a killed process from one still being written, and remove it.
    A symlink is written through (the link stays a link), and a file that already
    exists keeps its permissions: a case shared with a team stays shared, a new one is
    owner-only.
    """
    import tempfile  # imported here: only saving needs it, and the CLI's start-up is measured

    target = real_path(path)
    directory = target.parent if str(target.parent) else Path(".")
    remove_stale_temps(target)
    try:
        mode: int | None = stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        mode = None
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(content)
            fh.flush()
            os.fsync(fh.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
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
            dir_fd = -1
        if dir_fd >= 0:
            try:
                os.fsync(dir_fd)
            except OSError:
                pass
            finally:
                os.close(dir_fd)


def encoded(case: Case, questionnaire: Questionnaire) -> bytes:
    """The file's bytes, or CaseTooLarge: a file over the limit would be refused when opened."""
    content = dumps(case, questionnaire).encode("utf-8")
    if len(content) > MAX_BYTES:
        raise CaseTooLarge(
            f"the case would be {len(content):,} bytes, over the {size_text(MAX_BYTES)} ({MAX_BYTES:,} bytes) "
            "a case file may be, "
            f"so it could not be opened again. The largest parts: {_largest_parts(case, questionnaire)}. "
            "Shorten or remove them, then save"
        )
    return content


def _largest_parts(case: Case, questionnaire: Questionnaire, count: int = 3) -> str:
    """The answers, notes and kept fields that take most room, for the too-large message."""
    def label(qid: str) -> str:
        question = questionnaire.questions.get(qid)
        return f"'{question.label.for_role(case.prepared_by)}'" if question else f"the kept answer {_shown(qid)}"

    sizes: list[tuple[int, str]] = []
    sizes += [(len(json.dumps(v, ensure_ascii=False)), f"the answer to {label(k)}") for k, v in case.answers.items()]
    sizes += [(len(json.dumps(v, ensure_ascii=False)), f"the note on {label(k)}") for k, v in case.notes.items()]
    sizes += [(len(json.dumps(v, ensure_ascii=False)), f"the kept field {_shown(k)}") for k, v in case.extra.items()]
    sizes.sort(key=lambda item: item[0], reverse=True)
    return "; ".join(f"{what} ({size_text(n)})" for n, what in sizes[:count])


def writable_problem(target: Path) -> str | None:
    """Why lendready must not replace the file at ``target``, or None (an absent file is fine)."""
    try:
        info = os.stat(target)
    except OSError:
        return None
    if not info.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) or not os.access(target, os.W_OK):
        return f"{target.name} is read-only, so lendready leaves it as it is. Save the case under another name"
    return None


def save_case(
    case: Case,
    path: str | os.PathLike[str],
    questionnaire: Questionnaire,
    *,
    touch: bool = True,
    overwrite_changed: bool = False,
) -> None:
    """Save atomically; ``touch`` stamps ``modified`` with the current time first.

    Refused, with nothing written: a case over the size limit (CaseTooLarge), a
    read-only file (ReadOnlyCase), and, unless ``overwrite_changed``, the file this
    case was read from when someone else has changed it since (ChangedOnDisk).
    """
    target = real_path(path)
    problem = writable_problem(target)
    if problem:
        raise ReadOnlyCase(problem)
    origin = case.on_disk
    if not overwrite_changed and origin is not None and _same_path(origin.path, target) and not origin.still_matches():
        raise ChangedOnDisk(
            f"{target.name} was changed by someone else (or another lendready) after this case was opened or "
            "last saved. Saving now would replace their changes",
            target,
        )
    previous = case.modified
    if touch:
        case.modified = now_utc()
    try:
        content = encoded(case, questionnaire)
        atomic_write(target, content)
    except BaseException:
        case.modified = previous
        raise
    case.on_disk = Fingerprint.of(target, content)


def _same_path(a: str | os.PathLike[str], b: str | os.PathLike[str]) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.abspath(a) == os.path.abspath(b)


def same_file(a: str | os.PathLike[str], b: str | os.PathLike[str]) -> bool:
    """Whether two paths name one file (through links too): an output must never replace an input."""
    return _same_path(real_path(a), real_path(b))


def answers_view(case: Case | Mapping[str, Any]) -> Mapping[str, Any]:
    return case.answers if isinstance(case, Case) else case
