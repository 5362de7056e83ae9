"""The flowables the report's sections are made of, each named for what it makes.

Outside text (a case's answers, the resources) is always printed literally:
:func:`text` escapes it, :func:`rich` escapes each run; only :func:`paragraph`
takes markup, and only markup this package writes. Escaping goes through
:func:`~lendready.report.styles.shown`, so a character that would act (a bidi
override, a zero-width space, an escape) prints as a visible token. All of it is ordinary
platypus (``Paragraph``, ``Table``, ``KeepTogether``, ``CondPageBreak``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Paragraph, Table, TableStyle

from lendready.report.document import FRAME_H
from lendready.report.styles import ACCENT, FONT, INK, RULE, SHADE, Styles, clean, esc, shown, styles

Run = tuple[str, str]
"""(kind, text): kind "" plain, "b" bold, "m" muted, "#rrggbb" that colour, "br" a line break; the text
is printed literally."""

MUTED_HEX = "#5f6368"
ZEBRA = colors.HexColor("#fafbfc")


class MeasuredParagraph(Paragraph):
    """A Paragraph that breaks its lines once per width.

    A table wraps each cell to size its rows and again to draw it, and a kept-together
    group wraps its content before the frame does: the lines are the same each time
    (they depend on the width only), so a second wrap at the same width returns the
    first one's size. A split that discards the lines (``blPara``) makes it wrap again.
    """

    wrapped_at: tuple[float, tuple[float, float]] | None = None

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        done = self.wrapped_at
        if done is not None and done[0] == availWidth and hasattr(self, "blPara"):
            return done[1]
        size = super().wrap(availWidth, availHeight)
        self.wrapped_at = (availWidth, size)
        return size


def paragraph(markup: str, style: Any) -> Paragraph:
    """A paragraph of markup written by this package (any outside text in it already escaped)."""
    return MeasuredParagraph(markup, style)


def text(value: object, style: Any) -> Paragraph:
    """A paragraph of outside text, printed literally."""
    return MeasuredParagraph(esc(value), style)


def run_markup(kind: str, value: str) -> str:
    """One run of :func:`rich` as paragraph markup (its text escaped)."""
    if kind == "br":
        return "<br/>"
    escaped = esc(value)
    if kind == "b":
        return f"<b>{escaped}</b>"
    if kind == "m":
        return f'<font color="{MUTED_HEX}">{escaped}</font>'
    if kind.startswith("#"):
        return f'<font color="{kind}">{escaped}</font>'
    return escaped


def rich(style: Any, *runs: Run | str, bullet: str | None = None) -> Paragraph:
    """A paragraph of runs (bold labels, muted notes, coloured words, line breaks) of literal text."""
    parts = [("", r) if isinstance(r, str) else r for r in runs]
    return MeasuredParagraph("".join(run_markup(kind, value) for kind, value in parts), style, bulletText=bullet)


def tagged(style: Any, background: str, foreground: str, tag: str, title: str) -> Paragraph:
    """A small coloured tag (a finding's severity), then ``title``; both literal text."""
    return MeasuredParagraph(f'<font backColor="{background}" color="{foreground}" size="8">\xa0{esc(tag)}\xa0</font>'
                     f"\xa0 {esc(title)}", style)


def bullet_list(style: Any, items: Iterable[str | Sequence[Run | str]], *, numbered: bool = False,
                start: int = 1) -> list[Flowable]:
    """A list; each item is literal text, or runs for :func:`rich`."""
    out: list[Flowable] = []
    for i, item in enumerate(items, start=start):
        runs = (item,) if isinstance(item, str) else tuple(item)
        out.append(rich(style, *runs, bullet=f"{i}." if numbered else "•"))
    return out


class Heading(MeasuredParagraph):
    """A heading that is also a PDF bookmark and an outline entry at ``level``."""

    def __init__(self, title: str, style: Any, level: int = 0) -> None:
        super().__init__(esc(title), style)
        self.outline_title = clean(title)
        self.outline_level = level

    @property
    def outline_entry(self) -> tuple[str, int, bool]:
        """(title, level, closed) for the document's outline."""
        return self.outline_title, self.outline_level, True


def heading(title: str, style: Any, level: int, *, room: float = 70) -> list[Flowable]:
    """A :class:`Heading`, on a new page when less than ``room`` points are left on this one."""
    return [CondPageBreak(room), Heading(title, style, level)]


def chapter_heading(title: str, st: Styles) -> list[Flowable]:
    """A section's own heading (outline level 0)."""
    return heading(title, st.h1, 0, room=120)


def section_heading(title: str, st: Styles) -> list[Flowable]:
    """A heading within a section (outline level 1)."""
    return heading(title, st.h2, 1)


def keep_together(flowables: Iterable[Flowable]) -> KeepTogether:
    """Flowables kept on one page when they fit on one."""
    return KeepTogether(list(flowables))


class PartMark(Flowable):
    """Takes no room: sets the running head (the part) and foot (the case) from this page on, and can
    add an outline entry."""

    def __init__(self, part: str, title: str, outline: str | None = None) -> None:
        super().__init__()
        self.running_head = (part, title)
        self.outline_entry = (outline, 0, False) if outline else None

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        pass


# ---------------------------------------------------------------------------
# Tables

# No table cell is taller than this, so every row fits on a page with room to spare.
CELL_MAX = FRAME_H * 0.5
CELL_CUT = "… shown shortened here; the case file holds it in full"
KEEP_ROWS = 2
"""A table never leaves fewer rows than this alone at the foot or the head of a page."""

# Table cells given as plain strings (short figures, months, dates) are drawn in the body face;
# they are never markup.
PLAIN_CELLS: list[tuple] = [
    ("FONTNAME", (0, 0), (-1, -1), FONT),
    ("FONTSIZE", (0, 0), (-1, -1), 8.3),
    ("LEADING", (0, 0), (-1, -1), 10.8),
    ("TEXTCOLOR", (0, 0), (-1, -1), INK),
]


class Grid(Table):
    """A table too short to split well (fewer than twice :data:`KEEP_ROWS` body rows) moves whole to
    the next page rather than split; a taller one splits as any table does."""

    def __init__(self, rows: list[list[Any]], **kwargs: Any) -> None:
        super().__init__(rows, **kwargs)
        self.row_count = len(rows)
        self.header_rows = kwargs.get("repeatRows", 0)

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        if self.row_count - self.header_rows < 2 * KEEP_ROWS:
            _, height = self.wrap(availWidth, availHeight)
            if height <= FRAME_H:
                return []
            # Taller than a page (a few capped cells): it must split, or it could not be placed.
        return super().split(availWidth, availHeight)


def capped(cell: Any, width: float) -> Any:
    """A table cell no taller than :data:`CELL_MAX` at ``width``: a taller paragraph keeps the lines
    that fit, then says it was shortened (reportlab cannot place a row taller than its frame)."""
    if not isinstance(cell, Paragraph):
        return cell
    _, height = cell.wrap(width, CELL_MAX)
    if height <= CELL_MAX:
        return cell
    note = text(CELL_CUT, styles().muted)
    _, note_h = note.wrap(width, CELL_MAX)
    parts = cell.split(width, CELL_MAX - note_h)
    return [parts[0], note] if parts else [note]


def cap_rows(rows: list[list[Any]], widths: Sequence[float], padding: float) -> list[list[Any]]:
    """:func:`capped` for every cell (``padding``: a cell's left plus right padding)."""
    return [[capped(cell, widths[c] - padding) for c, cell in enumerate(row)] for row in rows]


def grid(rows: list[list[Any]], widths: Sequence[float], *, header: bool = True, zebra: bool = True,
         extra: Sequence[tuple] = ()) -> Table:
    """A ruled table of ``rows`` (the first a shaded header unless ``header`` is false), striped
    when ``zebra``; ``extra`` adds table style commands."""
    first = 1 if header else 0
    keep = (first + KEEP_ROWS, -KEEP_ROWS) if len(rows) - first >= 2 * KEEP_ROWS else None
    table = Grid(cap_rows(rows, widths, 8), colWidths=list(widths), repeatRows=first, hAlign="LEFT",
                 rowSplitRange=keep)
    style: list[tuple] = [
        *PLAIN_CELLS,
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LINEBELOW", (0, 0), (-1, -1), 0.3, RULE),
    ]
    if header:
        style += [("BACKGROUND", (0, 0), (-1, 0), SHADE), ("LINEBELOW", (0, 0), (-1, 0), 0.8, ACCENT)]
    if zebra:
        for r in range(first, len(rows)):
            if (r % 2 == 0) if header else (r % 2 == 1):
                style.append(("BACKGROUND", (0, r), (-1, r), ZEBRA))
    table.setStyle(TableStyle(style + list(extra)))
    return table


def boxed(content: list[Flowable], width: float, background: str, *, side: float, top: float,
          bottom: float) -> Table:
    """``content`` in one box ``width`` wide on ``background``, padded by ``side``, ``top``, ``bottom``."""
    box = Table([[content]], colWidths=[width], hAlign="LEFT")
    box.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor(background)),
        ("LEFTPADDING", (0, 0), (-1, -1), side), ("RIGHTPADDING", (0, 0), (-1, -1), side),
        ("TOPPADDING", (0, 0), (-1, -1), top), ("BOTTOMPADDING", (0, 0), (-1, -1), bottom),
    ]))
    return box


def fact_table(rows: list[list[Any]], widths: Sequence[float], padding: float, *, ruled: bool) -> Table:
    """Label and value rows without a grid: the cover's facts."""
    table = Table(rows, colWidths=list(widths), hAlign="LEFT")
    style: list[tuple] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), padding), ("BOTTOMPADDING", (0, 0), (-1, -1), padding),
    ]
    if ruled:
        style.append(("LINEBELOW", (0, 0), (-1, -1), 0.3, RULE))
    table.setStyle(TableStyle(style))
    return table


def cell_text(value: str, style: Any, width: float) -> Any:
    """A plain string cell when ``value`` fits on one line of ``width``, else a wrapping paragraph
    (which also takes an answer of several lines)."""
    value = shown(value, multiline=True)
    if ("\n" not in value and "\t" not in value and len(value) < 60
            and stringWidth(value, style.fontName, style.fontSize) < width - 9):
        return value
    return text(value, style)


__all__ = [
    "CELL_CUT",
    "CELL_MAX",
    "PLAIN_CELLS",
    "Grid",
    "Heading",
    "MeasuredParagraph",
    "PartMark",
    "Run",
    "boxed",
    "bullet_list",
    "cap_rows",
    "capped",
    "cell_text",
    "chapter_heading",
    "fact_table",
    "grid",
    "heading",
    "keep_together",
    "paragraph",
    "rich",
    "section_heading",
    "tagged",
    "text",
]
