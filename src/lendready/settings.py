"""Per-user settings (recent files, window layout, last role) as a validated model.

Stored as JSON in the user's config folder. A damaged or foreign settings file
must never stop the app from starting, so anything that does not validate is
replaced by the defaults, field by field where possible.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from lendready.paths import config_dir

MAX_RECENT = 10
FILE_NAME = "settings.json"


class Settings(BaseModel):
    model_config = ConfigDict(extra="ignore", validate_assignment=True)

    recent_files: list[str] = Field(default_factory=list)
    last_role: Literal["lender", "founder", "trainer"] = "lender"
    window_geometry: str = ""
    """Base64 of QWidget.saveGeometry(): opaque bytes owned by Qt."""
    window_state: str = ""
    splitter_state: str = ""

    def add_recent(self, path: str | Path) -> None:
        entry = str(Path(path).resolve())
        self.recent_files = [entry] + [p for p in self.recent_files if p != entry][: MAX_RECENT - 1]

    def existing_recent(self) -> list[str]:
        return [p for p in self.recent_files if Path(p).is_file()]


def settings_path() -> Path:
    return config_dir() / FILE_NAME


def load_settings(path: Path | None = None) -> Settings:
    path = path or settings_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Settings()
    if not isinstance(data, dict):
        return Settings()
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        bad = {str(e["loc"][0]) for e in exc.errors() if e.get("loc")}
        kept = {k: v for k, v in data.items() if k not in bad}
        try:
            return Settings.model_validate(kept)
        except ValidationError:
            return Settings()


def save_settings(settings: Settings, path: Path | None = None) -> None:
    from lendready.domain.case_file import atomic_write

    path = path or settings_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, settings.model_dump_json(indent=2).encode("utf-8"))
    except OSError:
        pass  # settings are a convenience; failing to save them must not lose the user's work
