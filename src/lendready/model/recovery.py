"""Crash recovery: unsaved work is copied to a private recovery file while editing.

The app writes the open case here every 30 seconds and when the user moves to
another section, whenever it has unsaved changes; a clean save or close removes
the file. A file still present at the next start means the app did not close
cleanly, so the user is offered the work back. Recovery files hold confidential
answers: the folder and files are readable by their owner only, and the
content is re-read through the same case loader as any other file. The temporary
file of a copy whose writer was killed mid-write is removed at the next start.

Each open case has its own slot, named after the case, this process and the
open case within it. Two copies of one case file keep the same ``case_id``;
were slots named by ``case_id`` alone, closing one copy would delete the crash
copy of the other.

A case opened from the register (issue 19) also keeps which registered case and version it was
read from (``"register"`` in the file, absent in older files and for a file's or a new case's
copy), so that after a restore "Save to register" names the version it was based on.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from lendready.paths import data_dir, private_dir

if TYPE_CHECKING:  # the store is made at start-up; the case reader loads when a copy is written or read
    from lendready.domain.engine.knowledge import Knowledge
    from lendready.domain.files.case_file import Case

SUFFIX = ".recovery.json"


class RegisterLink(NamedTuple):
    """The registered case, and the version of it, that the copied work was read from (or last saved as)."""

    case_id: str
    version: int


class RecoveryEntry(NamedTuple):
    file: Path
    case: Case
    original_path: Path | None
    saved_at: str
    organisation: str | None
    register: RegisterLink | None = None
    """The register case and version the work came from; None for a file, a new case, or an older copy."""


def restore_question(entry: RecoveryEntry, tz: Any = None) -> tuple[str, str]:
    """What the app asks about a crash copy: (the question, what restoring it leads to).

    A copy of a register case says so, with the version it was based on, because its Save goes to
    the register as the next version, not to a file the user picks.
    """
    name = entry.organisation or "an untitled case"
    if entry.register is not None:
        where = f" (register, version {entry.register.version})"
        then = ("Restore it now? Save to register then saves it as the next version; if someone has saved "
                "the case since, lendready shows both sets of changes so you can merge them.")
    else:
        where = f" (from {entry.original_path.name})" if entry.original_path else ""
        then = "Restore it now? You can then save it where you like."
    return (f"lendready did not close properly last time. Unsaved work on {name}{where} was kept on "
            f"{when_saved(entry.saved_at, tz)}.", then)


def when_saved(saved_at: str, tz: Any = None) -> str:
    """A recovery copy's time as a UK reader writes it, in local time: "3 Dec 2026 at 08:43".

    ``saved_at`` is the file's UTC stamp ("2026-12-03T08:43:06Z"); ``tz`` (default: this computer's
    zone) is where it is shown. A stamp that does not read as a time is shown as it is.
    """
    from lendready.domain.engine.formatting import utc_stamp

    moment = utc_stamp(saved_at)
    if moment is None:
        return saved_at
    local = moment.astimezone(tz)
    return f"{local.day} {local:%b %Y} at {local:%H:%M}"


def recovery_dir() -> Path:
    return data_dir() / "recovery"


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if os.name != "posix":
        return False  # no cheap check; an entry is only offered, never applied silently
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


MAX_RECOVERY_BYTES_OVER_CASE = 64 * 1024
"""Room in a recovery file for what it holds besides the case (process, times, the original's path)."""

_serial = itertools.count(1)


class RecoveryStore:
    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory or recovery_dir()
        self._slots: dict[int, tuple[Case, Path]] = {}
        self.unreadable: list[tuple[Path, str]] = []
        """Recovery files found by :meth:`pending` that could not be read, with why: shown, never deleted."""
        self.register_link: Callable[[Case], tuple[str, int] | None] | None = None
        """Asked at each write which registered case and version the case came from (set by the Register menu)."""

    def file_for(self, case: Case) -> Path:
        """This open case's own slot (the case is held with it, so its id cannot be reused meanwhile)."""
        held = self._slots.get(id(case))
        if held is not None and held[0] is case:
            return held[1]
        safe = "".join(c for c in case.case_id if c.isalnum() or c in "-_")[:64] or "case"
        slot = self.directory / f"{safe}.{os.getpid()}-{next(_serial)}{SUFFIX}"
        self._slots[id(case)] = (case, slot)
        return slot

    def write(self, case: Case, knowledge: Knowledge, original_path: Path | None) -> Path:
        """Copy the case to its slot; CaseTooLarge (nothing written) if it could not be read back."""
        from lendready.domain.files.case_file import atomic_write, encoded, now_utc, to_document

        encoded(case, knowledge.questionnaire)  # the same limit as a save: never a copy that cannot be restored
        private_dir(self.directory)
        origin = case.on_disk
        payload: dict[str, Any] = {
            "pid": os.getpid(),
            "saved_at": now_utc(),
            "original_path": str(original_path) if original_path else None,
            "original_on_disk": dataclasses.asdict(origin) if origin is not None else None,
            "case": to_document(case, knowledge.questionnaire),
        }
        link = self.register_link(case) if self.register_link is not None else None
        if link is not None:
            payload["register"] = {"case_id": str(link[0]), "version": int(link[1])}
        target = self.file_for(case)
        atomic_write(target, json.dumps(payload, ensure_ascii=False).encode("utf-8"))
        return target

    def discard(self, case: Case) -> None:
        """Remove this case's own slot (no other copy's), and forget it."""
        held = self._slots.pop(id(case), None)
        if held is None or held[0] is not case:
            return
        try:
            held[1].unlink()
        except OSError:
            pass

    def sweep(self) -> None:
        """Remove temporary files of recovery copies whose writer was killed mid-write (they hold answers)."""
        marker = f"{SUFFIX}."
        for tmp in self.directory.glob(f".*{SUFFIX}.*.tmp"):
            from lendready.domain.files.case_file import remove_stale_temps

            remove_stale_temps(self.directory / tmp.name[1:tmp.name.index(marker) + len(SUFFIX)])

    def pending(self, knowledge: Knowledge) -> list[RecoveryEntry]:
        """Recovery files left by sessions that are no longer running, newest first."""
        from lendready.domain.files.case_file import MAX_BYTES, CaseFileError, parse_case
        from lendready.domain.files.safe_read import UnreadableFile, read_regular

        entries: list[RecoveryEntry] = []
        self.unreadable = []
        if not self.directory.is_dir():
            return entries
        self.sweep()
        for file in sorted(self.directory.glob(f"*{SUFFIX}")):
            try:
                raw_payload = read_regular(file, MAX_BYTES + MAX_RECOVERY_BYTES_OVER_CASE, "recovery copy")
                payload = json.loads(raw_payload.decode("utf-8"))
                pid = payload.get("pid")
                if isinstance(pid, int) and _pid_alive(pid):
                    continue
                raw = json.dumps(payload["case"], ensure_ascii=False).encode("utf-8")
                case = parse_case(raw, knowledge.questionnaire)
            except (UnreadableFile, CaseFileError) as exc:
                self.unreadable.append((file, str(exc)))  # kept on disk: the user decides, not lendready
                continue
            except (OSError, ValueError, KeyError, TypeError, AttributeError):
                self.unreadable.append((file, "the recovery copy is damaged"))
                continue  # a damaged recovery file is never half-applied
            case.on_disk = _fingerprint(payload.get("original_on_disk"))
            original = payload.get("original_path")
            name = case.answers.get("org.name")
            entries.append(
                RecoveryEntry(
                    file=file,
                    case=case,
                    original_path=Path(original) if isinstance(original, str) else None,
                    saved_at=str(payload.get("saved_at", "")),
                    organisation=name if isinstance(name, str) else None,
                    register=_register_link(payload.get("register")),
                )
            )
        entries.sort(key=lambda e: e.saved_at, reverse=True)
        return entries

    def pending_files(self) -> list[Path]:
        """Every recovery file present, whoever wrote it (cheap; nothing is parsed)."""
        return sorted(self.directory.glob(f"*{SUFFIX}")) if self.directory.is_dir() else []

    def remove(self, entry: RecoveryEntry) -> None:
        try:
            entry.file.unlink()
        except OSError:
            pass


def _register_link(data: Any) -> RegisterLink | None:
    """The register link a copy kept, or None (an older copy, a file's, or a link that does not read as one)."""
    if not isinstance(data, dict):
        return None
    case_id, version = data.get("case_id"), data.get("version")
    if not isinstance(case_id, str) or not case_id or len(case_id) > 64:
        return None
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        return None
    return RegisterLink(case_id, version)


def _fingerprint(data: Any) -> Any:
    """The original file as it was when the work was copied, so a restored save still notices others' changes."""
    from lendready.domain.files.case_file import Fingerprint

    try:
        return Fingerprint(str(data["path"]), int(data["size"]), int(data["mtime_ns"]), str(data["sha256"]))
    except (TypeError, KeyError, ValueError):
        return None
