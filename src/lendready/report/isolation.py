"""reportlab kept away from the user's home folder: imported before reportlab, everywhere.

When reportlab is first imported it looks for two modules of the application's
own: ``reportlab_mods`` (any module of that name on the path, else the file
``~/.reportlab_mods``, which it *executes*) and ``reportlab_settings`` (likewise,
else ``~/.reportlab_settings``, also executed). That is reportlab's documented
hook for an application to adjust it. For lendready it is a hazard twice over:

* code from a file in the user's home would run inside lendready, with the
  case open, whenever a PDF is made (a shared or managed home, a planted file);
* on an odd machine it breaks every PDF: with ``HOME=/dev/null``, or a HOME that
  is a file, reportlab's attempt to read ``~/.reportlab_mods`` raises
  ``NotADirectoryError``, which it does not expect, so the import fails.

The fix uses the same hook: lendready supplies both modules itself, empty, by
registering them in :data:`sys.modules` before reportlab is imported. reportlab
then finds them, reads nothing from the home folder or the path, and keeps its
own defaults. A module of either name that the embedding process registered
first is left alone (it is the process's deliberate choice, not a file lying
about).

Every reportlab import in lendready goes through :mod:`lendready.report` (its
``__init__`` imports this module first, and Python runs a package's ``__init__``
before any of its modules), so this is the one place it happens. It cannot help
if something outside lendready imported reportlab earlier in the same process.
"""

from __future__ import annotations

import sys
from types import ModuleType

HOOK_MODULES = ("reportlab_mods", "reportlab_settings")
"""The modules reportlab imports for an application's changes; lendready's are empty."""


def isolate_reportlab() -> None:
    """Register empty ``reportlab_mods`` and ``reportlab_settings`` unless already registered (idempotent)."""
    for name in HOOK_MODULES:
        if name not in sys.modules:
            module = ModuleType(name, "Empty on purpose: lendready makes reportlab ignore ~/." + name + ".")
            module.__all__ = []  # type: ignore[attr-defined]  # "from reportlab_settings import *" takes nothing
            sys.modules[name] = module


isolate_reportlab()

__all__ = ["HOOK_MODULES", "isolate_reportlab"]
