"""The page and the document every PDF of the report package is made on.

* Page geometry: A4, the margins and the one body frame.
* :class:`NumberedCanvas`: reportlab's "page X of Y" recipe. ``showPage`` keeps
  each page's state, ``save`` draws every page's furniture (head and foot) once
  the total is known, then writes the pages. A bookmark names the page being
  written, so bookmarks wait with their page and are set as it is written.
* :class:`ReportDoc`: the doc template; a flowable with an ``outline_entry``
  (a :class:`~lendready.report.flowables.Heading`) becomes a bookmark and an
  outline entry, one with a ``running_head`` (a :class:`~lendready.report.flowables.PartMark`)
  sets the running head and foot from its page on.
* :func:`render` (a story to bytes, telling ``on_page`` of each page laid out) and
  :func:`write_pdf` (the one atomic writer).

Public reportlab API only. Deterministic: invariant mode, the document's dates
are the generation time, and streams are Flate-compressed binary.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from reportlab import rl_config
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate

from lendready.domain.files.case_file import atomic_write
from lendready.report.styles import FONT, MUTED, RULE

PAGE_W, PAGE_H = A4
MARGIN_X = 18 * mm
MARGIN_TOP = 22 * mm
MARGIN_BOTTOM = 18 * mm
FRAME_W = PAGE_W - 2 * MARGIN_X
FRAME_H = PAGE_H - MARGIN_TOP - MARGIN_BOTTOM
FRESH_PAGE = FRAME_H * 0.8
"""A section that opens a page starts a new one unless less than this is used of the current one."""
HEAD_Y = PAGE_H - 13 * mm
FOOT_Y = 10 * mm


def pdf_date(when: datetime) -> str:
    """``when`` as a PDF date string (the document's creation and modification dates)."""
    return when.strftime("D:%Y%m%d%H%M%S+00'00'")


class NumberedCanvas(Canvas):
    """A canvas that draws each page's furniture once the number of pages is known.

    Subclasses set ``date_stamp`` (see :func:`pdf_date`) and draw the head and foot
    in :meth:`draw_furniture`. Attributes a subclass sets while the story flows (the
    running part of a handout) are saved with each page, so each page keeps its own.
    """

    date_stamp = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.setDateFormatter(lambda *_: self.date_stamp)
        self.held_pages: list[dict[str, Any]] = []
        self.page_bookmarks: list[tuple[str, dict[str, Any]]] = []

    def bookmarkPage(self, key: str, **kwargs: Any) -> None:  # type: ignore[override]
        # Set when the page is written (in save): now it would name the first page.
        self.page_bookmarks.append((key, kwargs))

    def showPage(self) -> None:
        self.held_pages.append(dict(self.__dict__))
        self.page_bookmarks = []
        self._startPage()

    def save(self) -> None:
        total = len(self.held_pages)
        for state in self.held_pages:
            self.__dict__.update(state)
            for key, kwargs in self.page_bookmarks:
                super().bookmarkPage(key, **kwargs)
            self.saveState()
            self.draw_furniture(self.getPageNumber(), total)
            self.restoreState()
            super().showPage()
        super().save()

    def draw_furniture(self, page: int, total: int) -> None:
        """Draw the head and foot of page ``page`` of ``total``."""

    def rule_under_head(self) -> None:
        """The thin line under a page's head."""
        self.setStrokeColor(RULE)
        self.setLineWidth(0.5)
        self.line(MARGIN_X, HEAD_Y - 3, PAGE_W - MARGIN_X, HEAD_Y - 3)

    def page_number(self, page: int, total: int) -> None:
        """"Page 3 of 9" at the right of the foot."""
        self.setFont(FONT, 7)
        self.setFillColor(MUTED)
        self.drawRightString(PAGE_W - MARGIN_X, FOOT_Y, f"Page {page} of {total}")


PageCallback = Callable[[int], None]
"""Told the number of pages laid out so far, each time a page is finished (see :func:`render`)."""


class ReportDoc(BaseDocTemplate):
    """One frame on every page; headings become bookmarks, part marks set the running head and foot.

    ``on_page`` (when set) is called after each page is laid out, through reportlab's public
    ``afterPage`` hook, with the number of that page. What it raises is kept in ``stopped_by``:
    reportlab replaces an exception raised under a page break with a new one of the same class and
    an amended message (which fails outright for a class that takes other arguments), so
    :func:`render` raises the kept one itself, unchanged.
    """

    on_page: PageCallback | None = None
    stopped_by: BaseException | None = None

    def afterPage(self) -> None:  # noqa: N802 (reportlab's name)
        if self.on_page is not None:
            try:
                self.on_page(self.page)
            except BaseException as exc:
                self.stopped_by = exc
                raise

    def afterFlowable(self, flowable: Flowable) -> None:
        running = getattr(flowable, "running_head", None)
        if running is not None:
            self.canv.running_part, self.canv.running_title = running  # type: ignore[attr-defined]
        entry = getattr(flowable, "outline_entry", None)
        if entry is not None:
            title, level, closed = entry
            self.bookmark(title, level, closed=closed)

    def bookmark(self, title: str, level: int, *, closed: bool) -> None:
        key = f"h{self.seq.nextf('outline')}"
        self.canv.bookmarkPage(key)
        self.canv.addOutlineEntry(title, key, level=level, closed=closed)


def render(story: Sequence[Flowable], canvasmaker: type[Canvas], *, title: str, author: str, subject: str,
           keywords: Sequence[str], creator: str, on_page: PageCallback | None = None) -> bytes:
    """Lay out ``story`` on A4 pages drawn by ``canvasmaker``; the PDF's bytes.

    ``on_page`` is called with the number of pages laid out so far each time one is finished, so a
    worker thread can report progress. To cancel, it raises: the build stops there and the exception
    propagates unchanged. The document is built in memory, so nothing has been written anywhere yet.

    Safe to run in several threads at once: everything a build changes is its own (the doc, the
    canvas, the story's flowables and their cached line breaks); what builds share is read-only
    (the styles) or keyed by its input (the fonts' width memory, reportlab's per-document font state).
    """
    buffer = io.BytesIO()
    doc = ReportDoc(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN_X, rightMargin=MARGIN_X, topMargin=MARGIN_TOP, bottomMargin=MARGIN_BOTTOM,
        title=title, author=author, subject=subject, creator=creator, keywords=list(keywords),
        invariant=1, lang="en-GB", displayDocTitle=1,
    )
    frame = Frame(MARGIN_X, MARGIN_BOTTOM, FRAME_W, FRAME_H, id="body",
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    doc.addPageTemplates([PageTemplate("body", [frame])])
    doc.on_page = on_page
    # Binary (Flate-only) streams: ASCII85 would make the file a quarter larger for nothing. reportlab
    # reads this process-wide setting as it writes each stream and has no per-document one. It is set
    # (to the same value) by every build and never put back: saving and restoring it around a build,
    # as this once did, let two builds in two threads restore each other's value mid-build.
    rl_config.useA85 = 0
    try:
        doc.build(list(story), canvasmaker=canvasmaker)
    except BaseException:
        if doc.stopped_by is None:
            raise
    if doc.stopped_by is not None:  # raised here, outside the handler, so it gains no new context
        raise doc.stopped_by
    return buffer.getvalue()


def write_pdf(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write a built PDF atomically (the briefing, the handout, a session pack): ``path`` is either
    untouched or complete."""
    target = Path(path)
    atomic_write(target, data)
    return target


__all__ = [
    "FRAME_H",
    "FRAME_W",
    "FRESH_PAGE",
    "MARGIN_BOTTOM",
    "MARGIN_TOP",
    "MARGIN_X",
    "PAGE_H",
    "PAGE_W",
    "NumberedCanvas",
    "PageCallback",
    "ReportDoc",
    "pdf_date",
    "render",
    "write_pdf",
]
