"""Fonts, paragraph styles and colours of the PDF briefing.

The text face is DejaVu Sans, shipped in ``resources/fonts`` and embedded (as a
subset) in every PDF, so a Welsh, accented or otherwise non-Latin name prints
as written on any machine, and the document looks the same wherever it is
opened. The fonts are registered with reportlab once per process.

Everything that came from a case file or the resources goes through
:func:`esc` before it becomes paragraph text, or :func:`clean` before it is drawn
on the canvas; both go through :func:`shown`, the one gateway for outside text.
reportlab paragraphs read a small XML markup, and an organisation called
``A & B <Ltd>`` must print literally, never break the document or change its
formatting; and a name holding a right-to-left override or a zero-width space
must show it as a visible token, exactly as the app does.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path
from xml.sax.saxutils import escape as _xml_escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from lendready.domain.engine.status import RATING_COLOURS, SEVERITY_COLOURS  # noqa: F401 (re-exported for the report)
from lendready.domain.files.outside_text import for_display, token

FONT = "LendReadySans"
FONT_BOLD = "LendReadySans-Bold"
FONT_ITALIC = "LendReadySans-Oblique"
FONT_BOLD_ITALIC = "LendReadySans-BoldOblique"
FONT_FILES = {
    FONT: "DejaVuSans.ttf",
    FONT_BOLD: "DejaVuSans-Bold.ttf",
    FONT_ITALIC: "DejaVuSans-Oblique.ttf",
    FONT_BOLD_ITALIC: "DejaVuSans-BoldOblique.ttf",
}


INK = colors.HexColor("#1a1a1a")
MUTED = colors.HexColor("#5f6368")
RULE = colors.HexColor("#c7ccd1")
SHADE = colors.HexColor("#f1f3f4")
ACCENT = colors.HexColor("#1f4e79")

_lock = threading.Lock()
_registered: Path | None = None


class MeasuredFont(TTFont):
    """A TrueType font that remembers the width of each text it has measured, at each size.

    Line breaking measures every word of every paragraph, and tables measure each
    cell twice (to size the table and to draw it). The width is reportlab's own
    ``stringWidth``, asked once per text and size; the memory is bounded.

    The font (and so this memory) is shared by every document the process makes,
    in whichever thread: that is safe because a width depends on its key alone,
    and each dictionary operation is atomic. Two threads may both measure a text
    missing from the memory, or one may clear it while another reads; either
    way each gets the right width. (reportlab keeps a font's per-document state,
    the subset being embedded, keyed by document.)
    """

    MAX_WIDTHS = 50_000

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.widths: dict[tuple[str, float, str], float] = {}

    def stringWidth(self, text: str, size: float, encoding: str = "utf8") -> float:  # noqa: N802 (reportlab's name)
        key = (text, size, encoding)
        width = self.widths.get(key)
        if width is None:
            if len(self.widths) >= self.MAX_WIDTHS:
                self.widths.clear()
            width = self.widths[key] = super().stringWidth(text, size, encoding)
        return width


class FontsMissing(FileNotFoundError):
    """The shipped fonts are not where the installation should have put them."""


def fonts_dir(root: Path | None = None) -> Path:
    """``resources/fonts`` of ``root`` when it has the fonts, else of the installed resources."""
    candidates = []
    if root is not None:
        candidates.append(Path(root) / "fonts")
    from lendready.resources import resources_dir

    candidates.append(resources_dir() / "fonts")
    for folder in candidates:
        if all((folder / name).is_file() for name in FONT_FILES.values()):
            return folder
    raise FontsMissing(
        "lendready cannot find its PDF fonts (resources/fonts/DejaVuSans*.ttf); the installation is "
        "incomplete. Reinstall lendready."
    )


def register_fonts(root: Path | None = None) -> None:
    """Register the DejaVu family with reportlab, once per process (later calls cost nothing)."""
    global _registered
    if _registered is not None:
        return
    with _lock:
        if _registered is not None:
            return
        folder = fonts_dir(root)
        for name, filename in FONT_FILES.items():
            pdfmetrics.registerFont(MeasuredFont(name, str(folder / filename)))
        pdfmetrics.registerFontFamily(
            FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC, boldItalic=FONT_BOLD_ITALIC
        )
        _registered = folder


# Characters Unicode leaves unassigned for good (noncharacters): they upset reportlab's paragraph
# parser, and mean nothing on paper. Shown as tokens like the acting characters.
_NONCHARACTERS = re.compile(r"[\ufdd0-\ufdef\ufffe\uffff]")


def shown(value: object, *, multiline: bool = False) -> str:
    """Outside text as the PDF shows it: every character that would act rather than show, a token.

    The single gateway for outside text (a name, an answer, a note, a kept answer's id, a file name):
    :func:`esc` (paragraph text) and :func:`clean` (page furniture, charts, the PDF's title and
    outline) both go through it. It is :func:`~lendready.domain.files.outside_text.for_display`, the
    function the app's windows use, so a bidi override, a zero-width character, an escape sequence
    or a soft hyphen shows as the same visible ``[U+202E]`` in the app and on paper, and never
    reorders, hides or joins the text around it. With ``multiline`` new lines and tabs are kept.

    A soft hyphen is shown, never acted on: so reportlab's line breaking never meets one, and the
    cost of breaking a long word full of them (cubic in its length) cannot arise.
    """
    out = for_display(str(value), multiline=multiline)
    if _NONCHARACTERS.search(out):
        out = _NONCHARACTERS.sub(lambda m: token(m.group()), out)
    return out


def clean(text: object) -> str:
    """Outside text for a single line drawn on the canvas (head and foot, a chart label), the PDF's
    title and subject, or an outline entry: :func:`shown`, a new line included."""
    return shown(text)


def shortened(text: object, limit: int = 300) -> str:
    """``text`` as a table cell shows it: up to ``limit`` characters, then how long it really is.

    For values set aside as invalid (the case file holds them in full): a cell never grows
    taller than a page, whatever the file holds. The limit is on the text as shown (:func:`shown`),
    since a hidden character prints as a token of eight; a token is never cut in half.
    """
    text = str(text)
    visible = shown(text[: limit + 1], multiline=True)
    if len(text) <= limit and len(visible) <= limit:
        return text
    cut = _PART_TOKEN.sub("", visible[:limit])
    return f"{cut.rstrip()}… ({len(text):,} characters, shown shortened)"


_PART_TOKEN = re.compile(r"\[(?:U(?:\+[0-9A-F]{0,5})?)?$")


def esc(text: object) -> str:
    """Any text from a case or the resources, made literal for a reportlab Paragraph: :func:`shown`,
    then XML-escaped, so ``<b>`` and ``&`` print as written.

    New lines and tabs are kept (as for a note): in a paragraph they are only spaces, so they cannot
    act, and a multi-line answer keeps its words apart. Every other acting character is a token.
    """
    return _xml_escape(shown(text, multiline=True), {'"': "&quot;"})


def colour(hex_code: str) -> colors.Color:
    return colors.HexColor(hex_code)


def text_on(hex_code: str) -> colors.Color:
    """White or near-black text, whichever reads better on a status colour (WCAG contrast)."""
    c = colors.HexColor(hex_code)

    def lum(v: float) -> float:
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    bg = 0.2126 * lum(c.red) + 0.7152 * lum(c.green) + 0.0722 * lum(c.blue)
    white = 1.05 / (bg + 0.05)
    black = (bg + 0.05) / 0.05
    return colors.white if white >= black else INK


class Styles:
    """The paragraph styles of the briefing, built once fonts are registered."""

    def __init__(self) -> None:
        base = ParagraphStyle(
            "body", fontName=FONT, fontSize=9.3, leading=13, textColor=INK, alignment=TA_LEFT,
            spaceAfter=4, splitLongWords=1, allowWidows=0, allowOrphans=0,
        )
        self.body = base
        self.body_tight = ParagraphStyle("body_tight", parent=base, spaceAfter=1)
        self.reading = ParagraphStyle("reading", parent=base, fontSize=8.8, leading=12.2, spaceAfter=4)
        self.small = ParagraphStyle("small", parent=base, fontSize=7.8, leading=10.2, spaceAfter=2)
        self.muted = ParagraphStyle("muted", parent=self.small, textColor=MUTED)
        self.cell = ParagraphStyle("cell", parent=base, fontSize=8.3, leading=10.8, spaceAfter=0)
        self.cell_bold = ParagraphStyle("cell_bold", parent=self.cell, fontName=FONT_BOLD)
        self.cell_small = ParagraphStyle("cell_small", parent=self.cell, fontSize=7.3, leading=9.3)
        # A cell's lines in one style each (a bold name over its label, a muted note under a reference):
        # one plain paragraph per style lays out and draws far faster than one of mixed runs.
        self.cell_small_bold = ParagraphStyle("cell_small_bold", parent=self.cell_small, fontName=FONT_BOLD)
        self.cell_small_muted = ParagraphStyle("cell_small_muted", parent=self.cell_small, textColor=MUTED)
        self.cell_right = ParagraphStyle("cell_right", parent=self.cell, alignment=2)
        self.h1 = ParagraphStyle(
            "h1", parent=base, fontName=FONT_BOLD, fontSize=16, leading=20, textColor=ACCENT,
            spaceBefore=2, spaceAfter=8, keepWithNext=1,
        )
        self.h2 = ParagraphStyle(
            "h2", parent=base, fontName=FONT_BOLD, fontSize=12, leading=15, textColor=ACCENT,
            spaceBefore=10, spaceAfter=4, keepWithNext=1,
        )
        self.h3 = ParagraphStyle(
            "h3", parent=base, fontName=FONT_BOLD, fontSize=10, leading=13, spaceBefore=6, spaceAfter=2,
            keepWithNext=1,
        )
        self.label = ParagraphStyle(
            "label", parent=base, fontName=FONT_BOLD, fontSize=7.8, leading=10, textColor=MUTED,
            spaceAfter=0, keepWithNext=1,
        )
        self.finding_title = ParagraphStyle(
            "finding_title", parent=base, fontName=FONT_BOLD, fontSize=10, leading=13.5, spaceBefore=2,
            spaceAfter=0, keepWithNext=1,
        )
        self.finding_meta = ParagraphStyle(
            "finding_meta", parent=base, fontSize=7.3, leading=9.5, textColor=MUTED, leftIndent=12 * 2.8346,
            spaceAfter=2, keepWithNext=1,
        )
        self.finding_body = ParagraphStyle("finding_body", parent=base, leftIndent=12 * 2.8346, spaceAfter=1)
        self.finding_label = ParagraphStyle(
            "finding_label", parent=base, fontName=FONT_BOLD, fontSize=7.8, leading=10, textColor=MUTED,
            leftIndent=12 * 2.8346, spaceAfter=1, keepWithNext=1,
        )
        self.glossary = ParagraphStyle("glossary", parent=base, fontSize=7.8, leading=10.2, spaceAfter=2.5)
        self.bullet = ParagraphStyle("bullet", parent=base, leftIndent=13, bulletIndent=2, spaceAfter=3)
        self.cover_kicker = ParagraphStyle(
            "cover_kicker", parent=base, fontName=FONT_BOLD, fontSize=11, leading=14, textColor=ACCENT,
            spaceAfter=6,
        )
        self.cover_title = ParagraphStyle(
            "cover_title", parent=base, fontName=FONT_BOLD, fontSize=24, leading=29, spaceAfter=10,
        )
        self.cover_band = ParagraphStyle(
            "cover_band", parent=base, fontName=FONT_BOLD, fontSize=22, leading=26, spaceAfter=0,
        )
        self.cover_band_note = ParagraphStyle(
            "cover_band_note", parent=base, fontSize=10, leading=13.5, spaceAfter=0,
        )


_styles: Styles | None = None


def styles(root: Path | None = None) -> Styles:
    """Register the fonts (once) and return the shared styles.

    Shared by every document, in any thread: the styles are never changed once made (a section
    that needs a variant clones one), so two exports at once read the same objects safely.
    """
    global _styles
    register_fonts(root)
    if _styles is None:
        with _lock:
            if _styles is None:
                _styles = Styles()
    return _styles
