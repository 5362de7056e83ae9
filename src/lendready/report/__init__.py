"""The PDF briefing (reportlab): a credit-committee paper, a founder's action plan, a trainer's handout.

Imports reportlab and the domain, never Qt, so the command line and the desktop
app share it. Importing this package is cheap; reportlab is loaded on the first
call that needs it.

    from lendready.report import AUDIENCES, AUDIENCE_TITLES, suggested_filename, write_briefing
    write_briefing(path, case, knowledge, audience="lender")   # atomic; nothing written on error
    write_handout(path, case, knowledge, sample=sample)         # exercise sheet, answers, reference
                                                                # (audience="trainer" is this, with the
                                                                # sample the answers match, if any)
    write_session_pack(path, samples, knowledge)                # several samples for one session

Each document is built from one ``lendready.domain.advice.analyse`` per case:
pass ``analysis=`` (an Analysis worded for the audience) to reuse the caller's,
or ``as_of=`` (a date) to say when the case is assessed. The date is printed on
the document.

Layout: ``document`` (page geometry, the "page X of Y" canvas, the doc template,
the atomic writer), ``flowables`` (paragraphs, tables, headings by what they
make), ``context`` (the case analysed for one reader), ``sections/`` (one module
per section, shared by every document), and ``briefing``/``handout`` (the public
API and the order of the sections for each reader). The reader's wording is
data: ``resources/teaching/report.toml``. reportlab's public API only.

``isolation`` runs first, before reportlab is imported: reportlab never reads or
runs ``~/.reportlab_mods`` or ``~/.reportlab_settings``. Every writer takes
``on_page=`` (called with the number of pages laid out so far; an exception it
raises stops the build and nothing is written), so an export can run in a worker
thread with progress and a Cancel button.
"""

from __future__ import annotations

from typing import Any

# First, before anything here can import reportlab: keep reportlab from reading (and executing)
# files in the user's home folder, which also breaks every PDF when HOME is /dev/null.
from lendready.report import isolation  # noqa: F401

AUDIENCES = ("lender", "founder", "trainer")
AUDIENCE_TITLES = {
    "lender": "Credit-committee paper",
    "founder": "Founder's action plan",
    "trainer": "Trainer's handout",
}
PDF_FILTER = "PDF documents (*.pdf)"

_LAZY = ("build_briefing", "write_briefing", "suggested_filename", "generation_time", "case_digest",
         "BriefingError")
# The trainer's handout (exercise sheet, answers, reference) and the session pack of several samples.
_LAZY_HANDOUT = ("build_handout", "write_handout", "build_session_pack", "write_session_pack")


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from lendready.report import briefing

        return getattr(briefing, name)
    if name in _LAZY_HANDOUT:
        from lendready.report import handout

        return getattr(handout, name)
    raise AttributeError(f"module 'lendready.report' has no attribute {name!r}")


__all__ = [
    "AUDIENCES",
    "AUDIENCE_TITLES",
    "PDF_FILTER",
    "BriefingError",
    "build_briefing",
    "build_handout",
    "build_session_pack",
    "case_digest",
    "generation_time",
    "suggested_filename",
    "write_briefing",
    "write_handout",
    "write_session_pack",
]
