"""Crash recovery: unsaved work is copied to a private recovery file while editing.

The app writes the open case here every 30 seconds and when the user moves to
another section, whenever it has unsaved changes; a clean save or close removes
the file. A file still present at the next start means the app did not close
cleanly, so the user is offered the work back. Recovery files hold confidential
answers: the folder and files are readable by their owner only, and the
content is re-read through the same case loader as any other file. The temporary
file of a copy whose writer was killed mid-write is removed at the next start.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from lendready.paths import data_dir, private_dir

if TYPE_CHECKING:  # the store is made at start-up; the case reader loads when a copy is written or read
    from lendready.domain.engine.knowledge import Knowledge
    from lendready.domain.files.case_file import Case

SUFFIX = ".recovery.json"


class RecoveryEntry(NamedTuple):
    file: Path
    case: Case
    original_path: Path | None
    saved_at: str
    organisation: str | None


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


class RecoveryStore:
    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory or recovery_dir()

    def file_for(self, case: Case) -> Path:
        safe = "".join(c for c in case.case_id if c.isalnum() or c in "-_")[:64] or "case"
        return self.directory / f"{safe}{SUFFIX}"

    def write(self, case: Case, knowledge: Knowledge, original_path: Path | None) -> Path:
        from lendready.domain.files.case_file import atomic_write, now_utc, to_document

        private_dir(self.directory)
        payload: dict[str, Any] = {
            "pid": os.getpid(),
            "saved_at": now_utc(),
            "original_path": str(original_path) if original_path else None,
            "case": to_document(case, knowledge.questionnaire),
        }
        target = self.file_for(case)
        atomic_write(target, json.dumps(payload, ensure_ascii=False).encode("utf-8"))
        return target

    def discard(self, case: Case) -> None:
        try:
            self.file_for(case).unlink()
        except FileNotFoundError:
            pass
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
        from lendready.domain.files.case_file import CaseFileError, parse_case

        entries: list[RecoveryEntry] = []
        if not self.directory.is_dir():
            return entries
        self.sweep()
        for file in sorted(self.directory.glob(f"*{SUFFIX}")):
            try:
                payload = json.loads(file.read_text(encoding="utf-8"))
                pid = payload.get("pid")
                if isinstance(pid, int) and _pid_alive(pid):
                    continue
                raw = json.dumps(payload["case"]).encode("utf-8")
                case = parse_case(raw, knowledge.questionnaire)
            except (OSError, ValueError, KeyError, TypeError, AttributeError, CaseFileError):
                continue  # a damaged recovery file is ignored, never half-applied
            original = payload.get("original_path")
            name = case.answers.get("org.name")
            entries.append(
                RecoveryEntry(
                    file=file,
                    case=case,
                    original_path=Path(original) if isinstance(original, str) else None,
                    saved_at=str(payload.get("saved_at", "")),
                    organisation=name if isinstance(name, str) else None,
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
