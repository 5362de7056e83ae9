"""The PDF briefing: a credit-committee paper, a founder's action plan or a trainer's handout.

One story of platypus flowables, built from the Assessment and the teaching
content. The audience changes the wording, the order of the sections and which
of them lead; it never changes a fact: every version carries the same band,
ratings, figures, findings, checklist and provenance.

The trainer's version is the handout of :mod:`lendready.report.handout`: the
exercise sheet for the room, the answers on pages of their own, then a reference
part for the trainer made of this module's sections (the figures against their
thresholds, the cashflow, the conditions, the action plan, the checklist, the
finance that fits, the primer) and the same provenance. When the case's answers
are exactly a shipped sample's (:func:`lendready.domain.samples.sample_for`) it
carries that sample's story, questions and verdict; otherwise it is a case of
the user's own.

A renderer only: ratings, metrics and findings are taken from the Assessment
as they are; the cash series for the chart comes from
:func:`lendready.domain.metrics.running_cash`, the function the engine itself
uses, and the lowest point marked on it is the Assessment's own.

Deterministic: reportlab runs in invariant mode and the document's dates are
the generation time (``SOURCE_DATE_EPOCH`` when set), so the same case, rules
and generation time give the same bytes.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timezone
from pathlib import Path
from string import whitespace as _WHITESPACE
from typing import Any, NamedTuple

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.rl_accel import sameFrag
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import getAscentDescent, getFont, stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.doctemplate import Indenter
from reportlab.platypus.paragraph import (
    _FK_BREAK,
    _FK_TEXT,
    FragLine,
    ParaLines,
    _handleBulletWidth,
    _HSFrag,
    cleanBlockQuotedText,
)
from reportlab.platypus.paragraph import lstrip as _rl_lstrip
from reportlab.platypus.paragraph import split as _rl_split
from reportlab.platypus.paragraph import strip as _rl_strip
from reportlab.rl_config import _FUZZ, listWrapOnFakeWidth

from lendready import __version__
from lendready.domain import formatting
from lendready.domain.assessment import Assessment, Finding, assess
from lendready.domain.case_file import Case, atomic_write, dumps
from lendready.domain.improve import Proposal, loan_sizing, to_improve
from lendready.domain.knowledge import Knowledge
from lendready.domain.metrics import monthly_repayment, running_cash, sorted_forecast
from lendready.domain.stress import StressSeries, stress_series
from lendready.report import AUDIENCE_TITLES, AUDIENCES, charts
from lendready.report.fast_draw import draw_plain
from lendready.report.pdfcanvas import FastCanvas, PagedCanvas
from lendready.report.styles import (
    ACCENT,
    FONT,
    FONT_BOLD,
    INK,
    MUTED,
    RATING_COLOURS,
    RULE,
    SEVERITY_COLOURS,
    SEVERITY_WORDS,
    SHADE,
    Styles,
    clean,
    esc,
    forget_widths,
    shortened,
    styles,
    text_on,
)

SHY_CHAR = "\xad"

AUDIENCE_DESCRIPTIONS = {
    "lender": "for a credit committee: the verdict first, then the evidence and the conditions",
    "founder": "for the founders: where you stand and what to do next, in order",
    "trainer": "for a training session: an exercise sheet for the room, then the answers, a reference part "
               "and the provenance for the trainer",
}
ROLE_NAMES = {"lender": "a bank officer", "founder": "a founder", "trainer": "a trainer"}

PAGE_W, PAGE_H = A4
MARGIN_X = 18 * mm
MARGIN_TOP = 22 * mm
MARGIN_BOTTOM = 18 * mm
FRAME_W = PAGE_W - 2 * MARGIN_X
FRAME_H = PAGE_H - MARGIN_TOP - MARGIN_BOTTOM
FRESH_PAGE = FRAME_H * 0.8

# Metrics shown with the thresholds they are judged against, in this order.
KEY_METRICS = (
    "dscr", "interest_cover", "reserves_months", "ltv", "annual_loan_repayment", "lowest_forecast_cash",
    "lowest_cash_income_stress",
)
MAX_REASONS = 4
# Free-text answers shown in full in the summary (the cover keeps to the facts, so it always fits one page).
FREE_TEXT = ("org.activity", "loan.purpose_detail", "sec.description")


class BriefingError(ValueError):
    """The briefing cannot be made as asked (an unknown audience, a bad SOURCE_DATE_EPOCH)."""


# ---------------------------------------------------------------------------
# Public API


def generation_time(generated: datetime | None = None) -> datetime:
    """``generated`` in UTC; else ``SOURCE_DATE_EPOCH`` (the reproducible-builds convention); else now."""
    if generated is not None:
        if generated.tzinfo is None:
            return generated.replace(tzinfo=timezone.utc)
        return generated.astimezone(timezone.utc)
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        return datetime.fromtimestamp(_epoch_seconds(epoch), timezone.utc)
    return datetime.now(timezone.utc).replace(microsecond=0)


def _epoch_seconds(text: str) -> int:
    try:
        seconds = int(text)
    except ValueError:
        seconds = -1
    if not 0 <= seconds < 253402300800:  # up to the last second of the year 9999
        raise BriefingError(f"SOURCE_DATE_EPOCH must be a whole number of seconds since 1970, not {text!r}")
    return seconds


def case_digest(case: Case, knowledge: Knowledge, case_bytes: bytes | None = None) -> tuple[str, str]:
    """(SHA-256 hex, what was hashed): the file's bytes when given, else the case's canonical JSON."""
    if case_bytes is not None:
        return hashlib.sha256(case_bytes).hexdigest(), "the case file as read"
    canonical = dumps(case, knowledge.questionnaire).encode("utf-8")
    return hashlib.sha256(canonical).hexdigest(), "the case as lendready saves it (canonical JSON)"


def suggested_filename(case: Case, audience: str) -> str:
    """A file name for the briefing: the organisation's name and the audience, safe on every system."""
    name = case.answers.get("org.name")
    stem = "".join(c for c in name if c.isalnum() or c in " -_").strip() if isinstance(name, str) else ""
    stem = re.sub(r"\s+", " ", stem)[:80].strip() or "lendready"
    return f"{stem} - {AUDIENCE_TITLES.get(audience, 'briefing')}.pdf"


def build_briefing(
    case: Case,
    knowledge: Knowledge,
    *,
    audience: str,
    generated: datetime | None = None,
    case_bytes: bytes | None = None,
) -> bytes:
    """The briefing for ``audience`` as PDF bytes.

    For ``"trainer"``, the handout (:func:`lendready.report.handout.build_handout`)
    with the sample the case's answers match, if any.
    """
    if audience not in AUDIENCES:
        raise BriefingError(f"audience must be one of {', '.join(AUDIENCES)}, not {audience!r}")
    if audience == "trainer":
        from lendready.domain.samples import sample_for
        from lendready.report.handout import build_handout

        return build_handout(case, knowledge, sample=sample_for(case, knowledge), generated=generated,
                             case_bytes=case_bytes)
    when = generation_time(generated)
    # reportlab's own clock also reads SOURCE_DATE_EPOCH and fails on a bad one: check it first.
    if os.environ.get("SOURCE_DATE_EPOCH", "").strip():
        _epoch_seconds(os.environ["SOURCE_DATE_EPOCH"].strip())
    brief = _Brief.make(case, knowledge, audience, when, case_bytes)
    return _render(brief)


def write_briefing(
    path: str | os.PathLike[str],
    case: Case,
    knowledge: Knowledge,
    *,
    audience: str,
    generated: datetime | None = None,
    case_bytes: bytes | None = None,
) -> Path:
    """Build the briefing, then write it atomically: ``path`` is either untouched or complete."""
    return write_pdf(path, build_briefing(case, knowledge, audience=audience, generated=generated,
                                          case_bytes=case_bytes))


def write_pdf(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write a built PDF atomically (the briefing, the handout, a session pack): ``path`` is either
    untouched or complete."""
    target = Path(path)
    atomic_write(target, data)
    return target


# ---------------------------------------------------------------------------
# What the story is built from


class _Brief(NamedTuple):
    case: Case
    k: Knowledge
    a: Assessment
    values: dict[str, Any]
    teaching: Any
    audience: str
    generated: datetime
    digest: str
    digest_of: str
    st: Styles
    memo: dict[str, Any]
    """What the sections share and is worked out once per briefing (scenarios, sizing, proposals)."""

    @classmethod
    def make(cls, case: Case, k: Knowledge, audience: str, generated: datetime,
             case_bytes: bytes | None) -> _Brief:
        from lendready.domain.teaching import load_teaching

        a = assess(case, k, audience=audience)
        values = k.questionnaire.validate(case.answers).values
        digest, digest_of = case_digest(case, k, case_bytes)
        return cls(case, k, a, values, load_teaching(knowledge=k), audience, generated, digest, digest_of,
                   styles(k.root), {})

    def once(self, key: str, make: Callable[[], Any]) -> Any:
        if key not in self.memo:
            self.memo[key] = make()
        return self.memo[key]

    # -- small helpers ---------------------------------------------------------
    def pick(self, lender: str, founder: str, trainer: str | None = None) -> str:
        return {"lender": lender, "founder": founder, "trainer": trainer if trainer is not None else lender}[
            self.audience]

    @property
    def org(self) -> str:
        """The organisation's name; one too long to be valid (the file may hold megabytes) shortened."""
        return shortened(self.a.organisation or "Organisation not named")

    def label(self, qid: str) -> str:
        q = self.k.questionnaire.questions.get(qid)
        return q.label.for_role(self.audience) if q else qid

    def answer(self, qid: str, value: Any = None) -> str:
        q = self.k.questionnaire.questions.get(qid)
        if value is None:
            value = self.values.get(qid)
        if q is None:
            return str(value)
        return formatting.answer(q.type, value, q.choice_label, q.unit)

    def metric(self, mid: str) -> str | None:
        value = self.a.metrics.values.get(mid)
        if value is None:
            return None
        info = self.k.metric_info.get(mid)
        return formatting.by_unit(value, info.unit if info else "")

    def metric_label(self, mid: str) -> str:
        info = self.k.metric_info.get(mid)
        return info.label if info else mid

    def area_title(self, area_id: str) -> str:
        return next((a.title for a in self.k.areas if a.id == area_id), area_id)

    @property
    def band(self) -> Any:
        return self.k.bands.get(self.a.band)

    @property
    def band_label(self) -> str:
        return self.band.label if self.band else self.a.band

    @property
    def band_colour(self) -> str:
        return self.band.colour if self.band else RATING_COLOURS["unknown"]

    def stamp(self) -> str:
        return self.generated.strftime("%d %B %Y, %H:%M UTC").lstrip("0")


# ---------------------------------------------------------------------------
# Flowable helpers


class Para(Paragraph):
    """A Paragraph that lays out its lines once per width.

    Tables wrap each cell to measure it and again to draw it, and keep-together
    groups wrap their contents before the frame does; the line breaking is the
    same each time, so it is kept (the lines depend only on the width).
    """

    _wrapped: tuple[float, tuple[float, float]] | None = None

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        done = self._wrapped
        if done is not None and done[0] == availWidth and "blPara" in self.__dict__:
            return done[1]
        size = super().wrap(availWidth, availHeight)
        self._wrapped = (availWidth, size)
        return size

    def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:
        if not draw_plain(self, canvas, x, y, _sW):
            super().drawOn(canvas, x, y, _sW)

    def breakLines(self, width: Any) -> Any:
        """reportlab's line breaking, with a fast path for the common case: one plain fragment, no
        bullet, no soft hyphen, no hyphenation, and no word wider than a line.

        The same greedy fill in the same floating-point order, so the lines are exactly
        reportlab's; anything else (or a word that must be split) goes to reportlab itself.
        """
        lines = _fast_lines(self, width)
        if lines is None:
            lines = _mixed_lines(self, width)
        if lines is None:
            return super().breakLines(width)
        return lines


def _fast_lines(para: Paragraph, width: Any) -> Any:
    """:meth:`Para.breakLines` for one plain fragment (bulleted or not), or None when reportlab must do it."""
    frags = para.frags
    style = para.style
    bullet = para.bulletText
    if len(frags) != 1 or style.wordWrap or style.endDots or style.shaping:
        return None
    if style.hyphenationLang or style.uriWasteReduce or style.embeddedHyphenation:
        return None
    if bullet and not isinstance(width, list):
        return None
    f = frags[0]
    text = getattr(f, "__dict__", {}).get("text")
    if type(text) is not str or "cbDefn" in f.__dict__ or "backColor" in f.__dict__ or SHY_CHAR in text:
        return None
    font = getFont(f.fontName)
    measured = font.__dict__.get("widths")
    if not isinstance(measured, dict):
        return None
    words = _rl_split(_rl_strip(text))
    fontSize, fontName = f.fontSize, f.fontName
    ascent, descent = getAscentDescent(fontName, fontSize)
    if not words:
        return None
    if bullet:  # on a copy: the caller's widths change only if this path finishes (as at its end)
        maxWidths = list(width)
        _handleBulletWidth(bullet, style, maxWidths)
    else:
        maxWidths = [width] if not isinstance(width, (tuple, list)) else width
    maxlineno = len(maxWidths) - 1
    measure = font.stringWidth
    get = measured.get
    spaceWidth = measure(" ", fontSize)
    dSpaceShrink = style.spaceShrinkage * spaceWidth
    splitLongWords = style.splitLongWords
    lines = []
    cLine: list[str] = []
    lineno = 0
    width_max = 0
    maxWidth = maxWidths[0]
    currentWidth = -spaceWidth
    for word in words:
        unit = get(word)
        wordWidth = unit * fontSize if unit is not None else measure(word, fontSize)
        newWidth = currentWidth + spaceWidth + wordWidth
        limWidth = maxWidth + dSpaceShrink * len(cLine)
        if newWidth > limWidth:
            if splitLongWords and wordWidth > maxWidths[min(lineno, maxlineno)]:
                return None  # a long word to split: reportlab's own way
            if cLine:
                width_max = max(width_max, currentWidth)
                lines.append((maxWidth - currentWidth, cLine))
                cLine = [word]
                currentWidth = wordWidth
                lineno += 1
                maxWidth = maxWidths[min(maxlineno, lineno)]
                continue
        cLine.append(word)
        currentWidth = newWidth
    if cLine:
        width_max = max(width_max, currentWidth)
        lines.append((maxWidth - currentWidth, cLine))
    if bullet:
        _handleBulletWidth(bullet, style, width)  # reportlab narrows the caller's first line too
    para._width_max = width_max
    para.height = 0
    para._splitLongWordCount = para._hyphenations = 0
    return f.clone(kind=0, lines=lines, ascent=ascent, descent=descent, fontSize=fontSize)



def _add_runs(runs: Any, words: list[Any], size: float, ascent_max: float, descent_min: float,
              asc_desc: Any) -> tuple[Any, Any, float, float, float, int]:
    """Put a word's further style runs on the line, as reportlab does: (last run, its source frag, the
    line's largest size, ascent and smallest descent, 1 if any run has text)."""
    g = g_src = None
    has_text = 0
    for frag, text in runs:
        g = frag.clone()
        g_src = frag
        g.text = text
        if text:
            has_text = 1
        words.append(g)
        ascent, descent = asc_desc(g.fontName, g.fontSize)
        size = max(size, g.fontSize)
        ascent_max = max(ascent_max, ascent)
        descent_min = min(descent_min, descent)
    return g, g_src, size, ascent_max, descent_min, has_text


def _mixed_lines(para: Paragraph, width: Any) -> Any:
    """:meth:`Para.breakLines` for several plain text fragments (a bold label then plain text, a
    muted note, a coloured tag), or None when reportlab must do it.

    reportlab's own multi-fragment algorithm (``_getFragWords``, then the greedy fill with its
    space shrinkage), step for step and in the same floating-point order, for text fragments
    only (and line breaks): no image, soft hyphen, hyphenation or bidi, and no word wider
    than a line. The frag words and lines it leaves are the ones reportlab would.
    """
    frags = para.frags
    style = para.style
    if len(frags) < 2 or style.wordWrap or style.endDots or style.shaping:
        return None
    if style.hyphenationLang or style.uriWasteReduce or style.embeddedHyphenation:
        return None
    fonts: dict[str, Any] = {}
    for f in frags:
        d = getattr(f, "__dict__", None)
        if d is None or type(d.get("text")) is not str or SHY_CHAR in d["text"]:
            return None  # processed frags (lists), images, line breaks, soft hyphens
        if "cbDefn" in d or ("lineBreak" in d and d["text"] != ""):  # (a background changes nothing)
            return None
        name = f.fontName
        if name not in fonts:
            font = getFont(name)
            measured = font.__dict__.get("widths")
            if not isinstance(measured, dict):
                return None
            fonts[name] = (measured.get, font.stringWidth)

    def measure(word: str, name: str, size: float) -> float:
        get, slow = fonts[name]
        unit = get(word)
        return unit * size if unit is not None else slow(word, size)

    # -- reportlab's _getFragWords, for text fragments (no soft hyphens)
    R: list[Any] = []
    aR = R.append
    W: list[Any] = []
    n: float = 0
    hangingSpace = False
    hangingStrip = True
    for f in frags:
        text = f.text
        if text != "":
            f._fkind = _FK_TEXT
            if hangingStrip:
                text = _rl_lstrip(text)
                if not text:
                    continue
                hangingStrip = False
            S = _rl_split(text)
            if text[0] in _WHITESPACE or not S:
                if W:
                    W.insert(0, n)
                    aR(W)
                    whs = hangingSpace
                    W = []
                    hangingSpace = False
                    n = 0
                else:
                    whs = R and isinstance(R[-1], _HSFrag)
                if not whs:
                    S.insert(0, "")
                elif not S:
                    continue
            name, size = f.fontName, f.fontSize
            for w in S[:-1]:
                W.append((f, w))
                n += measure(w, name, size)
                W.insert(0, n)
                aR(_HSFrag(W))
                W = []
                n = 0
            hangingSpace = False
            w = S[-1]
            W.append((f, w))
            n += measure(w, name, size)
            if text and text[-1] in _WHITESPACE:
                W.insert(0, n)
                aR(_HSFrag(W))
                W = []
                n = 0
        elif "lineBreak" in f.__dict__:  # passed through as a word of its own; the filling ends the line
            if W:
                W.insert(0, n)
                aR(W)
                W = []
                n = 0
                hangingSpace = False
            f._fkind = _FK_BREAK
            aR([0, (f, "")])
            hangingStrip = True
    if W:
        W.insert(0, n)
        aR(W)
    if not R:
        return None  # nothing but white space: reportlab's own way

    # -- reportlab's multi-fragment line filling, for those frag words
    maxWidths = list(width) if isinstance(width, list) else [width] if not isinstance(width, tuple) else width
    _handleBulletWidth(para.bulletText, style, maxWidths)
    maxlineno = len(maxWidths) - 1
    lineno = 0
    maxWidth = maxWidths[0]
    spaceShrinkage = style.spaceShrinkage
    splitLongWords = style.splitLongWords
    lines: list[Any] = []
    FW: list[Any] = []
    aFW = FW.append
    words: list[Any] = []
    width_max = 0
    sFW = 0
    spaces: dict[tuple[str, float], float] = {}
    metrics: dict[tuple[str, float], tuple[float, float]] = {}
    same: dict[tuple[int, int], bool] = {}

    def space(name: str, size: float) -> float:
        key = (name, size)
        got = spaces.get(key)
        if got is None:
            got = spaces[key] = stringWidth(" ", name, size)
        return got

    def asc_desc(name: str, size: float) -> tuple[float, float]:
        key = (name, size)
        got = metrics.get(key)
        if got is None:
            got = metrics[key] = getAscentDescent(name, size)
        return got

    n_words = 0
    spaceWidth = currentWidth = 0.0
    maxSize = maxAscent = minDescent = 0.0
    g: Any = None
    g_src: Any = None
    for w in R:
        aFW(w)
        f = w[-1][0]
        fontName = f.fontName
        fontSize = f.fontSize
        if not words:
            n_words = 0
            spaceWidth = currentWidth = 0
            maxSize = fontSize
            maxAscent, minDescent = asc_desc(fontName, fontSize)
        wordWidth = w[0]
        f = w[1][0]
        lineBreak = f._fkind == _FK_BREAK
        newWidth = currentWidth + spaceWidth + wordWidth if wordWidth > 0 else currentWidth
        limWidth = maxWidth
        if spaceShrinkage:
            spaceShrink = spaceWidth
            for wi in words:
                ns = wi.text.count(" ")
                if ns:
                    spaceShrink += ns * space(wi.fontName, wi.fontSize)
            spaceShrink *= spaceShrinkage
            limWidth += spaceShrink
        if newWidth > limWidth and splitLongWords and not lineBreak:
            nmw = min(lineno, maxlineno)
            if wordWidth > max(maxWidths[nmw:nmw + 1]):
                return None  # a long word to split: reportlab's own way
        if not ((newWidth > limWidth and n_words > 0) or lineBreak):
            nText = w[1][1]
            if nText:
                n_words += 1
            fontSize = f.fontSize
            ascent, descent = asc_desc(f.fontName, fontSize)
            maxSize = max(maxSize, fontSize)
            maxAscent = max(maxAscent, ascent)
            minDescent = min(minDescent, descent)
            if not words:
                g = f.clone()
                g_src = f
                words = [g]
                g.text = nText
            else:
                key = (id(g_src), id(f))
                alike = same.get(key)
                if alike is None:
                    alike = same[key] = bool(sameFrag(g_src, f))
                if not alike:
                    if spaceWidth:
                        wi = words[-1]
                        if not wi.text.endswith(" "):
                            wi.text += " "
                    g = f.clone()
                    g_src = f
                    words.append(g)
                    g.text = nText
                elif spaceWidth:
                    if not g.text.endswith(" "):
                        g.text += " " + nText
                    else:
                        g.text += nText
                else:
                    g.text += nText
            spaceWidth = space(fontName, fontSize) if isinstance(w, _HSFrag) else 0
            ni = 0
            if len(w) > 2:
                g, g_src, maxSize, maxAscent, minDescent, ni = _add_runs(
                    w[2:], words, maxSize, maxAscent, minDescent, asc_desc)
            if not nText and ni:
                n_words += 1
            currentWidth = newWidth
        else:
            if lineBreak:  # the break ends its line, and goes with it
                words.append(f.clone())
            width_max = max(width_max, currentWidth)
            lines.append(FragLine(extraSpace=maxWidth - currentWidth, wordCount=n_words,
                                  lineBreak=lineBreak and not style.justifyBreaks,
                                  words=words, fontSize=maxSize, ascent=maxAscent, descent=minDescent,
                                  maxWidth=maxWidth, sFW=sFW))
            sFW = len(FW) - 1
            lineno += 1
            maxWidth = maxWidths[min(maxlineno, lineno)]
            if lineBreak:
                words = []
                continue
            spaceWidth = space(fontName, fontSize) if isinstance(w, _HSFrag) else 0
            currentWidth = wordWidth
            n_words = 1
            g = f.clone()
            g_src = f
            maxSize = g.fontSize
            maxAscent, minDescent = asc_desc(g.fontName, maxSize)
            words = [g]
            g.text = w[1][1]
            if len(w) > 2:
                g, g_src, maxSize, maxAscent, minDescent, _ = _add_runs(
                    w[2:], words, maxSize, maxAscent, minDescent, asc_desc)
    if words:
        width_max = max(width_max, currentWidth)
        lines.append(FragLine(extraSpace=maxWidth - currentWidth, wordCount=n_words, lineBreak=False,
                              words=words, fontSize=maxSize, ascent=maxAscent, descent=minDescent,
                              maxWidth=maxWidth, sFW=sFW))
    if para.bulletText and maxWidths is not width:
        _handleBulletWidth(para.bulletText, style, width)  # reportlab adjusts the caller's widths too
    para._width_max = width_max
    para.height = 0
    para._splitLongWordCount = para._hyphenations = 0
    para.frags = FW
    return ParaLines(kind=1, lines=lines)


class Keep(KeepTogether):
    """reportlab's KeepTogether without its per-wrap deep copy of the frame.

    reportlab copies the whole frame each time it measures the group, in case one of the
    flowables adds content to the frame while it is measured; none of this module's does
    (paragraphs, tables, spacers, headings), so the group is measured in place, in the same way.
    """

    def wrap(self, aW: float, aH: float) -> tuple[float, float]:
        dims: list[tuple[float, float]] = []
        W, H = _list_wrap(self._content, aW, self.canv, dims)
        self._H = H
        self._H0 = dims and dims[0][1] or 0
        self._wrapInfo = aW, aH
        return W, 0xffffff  # force a split, as reportlab's does


def _list_wrap(content: Sequence[Flowable], availWidth: float, canv: Any,
               dims: list[tuple[float, float]]) -> tuple[float, float]:
    """reportlab's ``_listWrapOn`` (space merged, fake width) for flowables that add no frame content."""
    W = H = pS = 0.0
    atTop = True
    for f in content:
        if hasattr(f, "frameAction"):
            if isinstance(f, Indenter):
                availWidth -= f.left + f.right
            continue
        w, h = f.wrapOn(canv, availWidth, 0xfffffff)
        dims.append((w, h))
        if h <= _FUZZ:
            continue
        W = max(W, min(w, availWidth) if listWrapOnFakeWidth else w)
        H += h
        if not atTop:
            h = f.getSpaceBefore()
            if getattr(f, "_SPACETRANSFER", False):
                h = pS
            H += max(h - pS, 0)
        else:
            atTop = False
        s = f.getSpaceAfter()
        if getattr(f, "_SPACETRANSFER", False):
            s = pS
        pS = s
        H += pS
    return W, H - pS


# The markup this module writes most: escaped text, optionally bold and/or in one colour. Such a
# paragraph is one fragment, made here from the fragments the parser made once for the style.
_SIMPLE_MARKUP = re.compile(
    r'(?:<font color="(?P<colour>#[0-9a-fA-F]{6})">)?(?P<ob><b>)?(?P<text>[^<>]*)(?P<cb></b>)?(?P<cf></font>)?'
)


# Text that reportlab's cleanBlockQuotedText would change: any white space but a single space
# between words (which covers new lines, tabs and no-break spaces), a zero-width space (which
# it strips), or a space at either end. Most text has none, and then the cleaning is skipped.
_UNCLEAN = re.compile(r"[^\S ]|\u200b|^ | $|  ")


def _block(text: str) -> str:
    """``cleanBlockQuotedText(text)``, without its splitting and joining when it would change nothing."""
    return cleanBlockQuotedText(text) if _UNCLEAN.search(text) else text


def P(text: str, style: Any) -> Paragraph:
    """A paragraph of markup built by this module (callers escape any outside text).

    Escaped text that is all of one kind (plain, bold, coloured) is built without the parser; the
    fragment is the one the parser would make. Anything richer is parsed.
    """
    m = _SIMPLE_MARKUP.fullmatch(text)
    if (m is not None and bool(m["colour"]) == bool(m["cf"]) and bool(m["ob"]) == bool(m["cb"])
            and "&" not in m["text"]):  # the parser splits text at each entity: left to it
        plain = _block(m["text"])
        protos = _run_prototypes(style) if plain else None
        if protos is not None:
            frag = protos["b" if m["ob"] else ""].clone(text=plain)
            if m["colour"]:
                frag.textColor = colors.toColor(m["colour"])
                if not m["ob"]:
                    frag.__tag__ = "font"
            return Para(text, style, frags=[frag])
    return Para(text, style)


_PROTOTYPES: dict[tuple[str, int], tuple[Any, Any]] = {}


def _template(template: str, style: Any, count: int) -> list[Any] | None:
    """The fragments reportlab's parser makes of ``template`` in ``style``, parsed once per style;
    None if it does not make ``count`` of them (a reportlab that parses differently)."""
    key = (template, id(style))
    known = _PROTOTYPES.get(key)
    if known is None or known[0] is not style:
        if len(_PROTOTYPES) > 512:  # styles cloned per document come and go
            _PROTOTYPES.clear()
        frags = Paragraph(template, style).frags
        known = (style, frags if len(frags) == count else None)
        _PROTOTYPES[key] = known
    return known[1]


def _prototype(style: Any) -> Any:
    """The text fragment reportlab's parser makes for plain text in ``style``."""
    frags = _template("x", style, 1)
    return frags[0] if frags else None


def T(text: object, style: Any) -> Paragraph:
    """A paragraph of outside text, printed literally.

    Plain text needs no markup parsing: it becomes one text fragment in the
    paragraph's style directly, which is both faster and, since no parser ever
    reads it, immune to anything in the text that looks like markup.
    """
    plain = _block(clean(text))
    proto = _prototype(style)
    if not plain or proto is None:
        return Para(esc(text), style)
    return Para(esc(plain), style, frags=[proto.clone(text=plain)])


Run = tuple[str, str]
"""(kind, text): kind "" plain, "b" bold, "m" muted, "#rrggbb" that colour, "br" a line break; the text
is taken literally."""

_RUN_TEMPLATE = 'x<b>x</b><font color="#5f6368">x</font><br/>x'
_RUN_KINDS = ("", "b", "m", "br")


def _run_prototypes(style: Any) -> dict[str, Any] | None:
    frags = _template(_RUN_TEMPLATE, style, len(_RUN_KINDS) + 1)  # (the last "x" is plain again)
    return dict(zip(_RUN_KINDS, frags)) if frags else None


def R(style: Any, *runs: Run | str, bullet: str | None = None) -> Paragraph:
    """A paragraph of runs (bold labels, muted notes, line breaks) around literal outside text.

    Built straight from fragments the parser made once for this style, so no
    outside text is ever parsed as markup.
    """
    protos = _run_prototypes(style)
    parts = [("", r) if isinstance(r, str) else r for r in runs]
    if protos is None:  # pragma: no cover - a reportlab whose parser splits the template differently
        markup = {"": "{}", "b": "<b>{}</b>", "m": '<font color="#5f6368">{}</font>', "br": "<br/>"}
        return Para("".join((f'<font color="{k}">{{}}</font>' if k.startswith("#") else markup[k]).format(esc(t))
                            for k, t in parts), style, bulletText=bullet)
    frags = []
    for kind, text in parts:
        if kind == "br":
            frags.append(protos["br"].clone())
            continue
        text = clean(text)
        if not text:
            continue
        if kind.startswith("#"):  # what <font color="#rrggbb"> makes: the muted run, in this colour
            frags.append(protos["m"].clone(text=text, textColor=colors.HexColor(kind)))
        else:
            frags.append(protos[kind].clone(text=text))
    return Para("".join(esc(t) for _, t in parts), style, bulletText=bullet, frags=frags)


_TAG_TEMPLATE = '<font backColor="#000000" color="#ffffff" size="8">x</font>x'


def tagged(style: Any, background: str, foreground: str, tag: str, text: str) -> Paragraph:
    """A small coloured tag (a finding's severity), then ``text``; both literal outside text.

    The fragments are the ones the parser makes for ``<font backColor=… color=… size="8">``
    and the text after it (parsed once per style), so nothing is parsed per paragraph.
    """
    tag, text = _block(clean(tag)), _block(clean(text))
    markup = f'<font backColor="{background}" color="{foreground}" size="8">\xa0{esc(tag)}\xa0</font>\xa0 {esc(text)}'
    protos = _template(_TAG_TEMPLATE, style, 2)
    if protos is None:  # pragma: no cover - a reportlab whose parser splits the template differently
        return Para(markup, style)
    frags = [protos[0].clone(text=f"\xa0{tag}\xa0", backColor=colors.toColor(background),
                             textColor=colors.toColor(foreground)),
             protos[1].clone(text=f"\xa0 {text}")]
    return Para(markup, style, frags=frags)


class _Heading(Para):
    """A section heading that also becomes a PDF bookmark."""

    def __init__(self, text: str, style: Any, level: int = 0) -> None:
        plain = _block(clean(text))
        proto = _prototype(style)
        if plain and proto is not None:
            super().__init__(esc(plain), style, frags=[proto.clone(text=plain)])
        else:
            super().__init__(esc(text), style)
        self.outline_title = clean(text)
        self.outline_level = level


def h1(b: _Brief, text: str) -> list[Flowable]:
    return [CondPageBreak(120), _Heading(text, b.st.h1, 0)]


def h2(b: _Brief, text: str) -> list[Flowable]:
    return [CondPageBreak(70), _Heading(text, b.st.h2, 1)]


def bullets(
    b: _Brief, items: Iterable[str | Sequence[Run | str]], *, numbered: bool = False
) -> list[Flowable]:
    """A list; each item is literal text, or runs for :func:`R`."""
    out: list[Flowable] = []
    for i, item in enumerate(items, start=1):
        runs = (item,) if isinstance(item, str) else tuple(item)
        out.append(R(b.st.bullet, *runs, bullet=f"{i}." if numbered else "•"))
    return out


class _Grid(Table):
    """A table that never leaves one or two rows alone at the foot or the head of a page."""

    KEEP = 2

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        repeat = self.repeatRows if isinstance(self.repeatRows, int) else len(self.repeatRows)
        if self._nrows - repeat < 2 * self.KEEP:
            _, height = self.wrap(availWidth, availHeight)
            if height <= FRAME_H:
                return []  # too short to split well: it moves whole to the next page
            # Taller than a page (a few capped cells): it must split, or it could not be placed.
        return super().split(availWidth, availHeight)


# No table cell is taller than this, so every row fits on a page with room to spare.
CELL_MAX = FRAME_H * 0.5
CELL_CUT = "… shown shortened here; the case file holds it in full"


def capped(cell: Any, width: float, st: Styles) -> Any:
    """A table cell no taller than :data:`CELL_MAX` at ``width``: a taller paragraph keeps the lines
    that fit, then says it was shortened (reportlab cannot place a row taller than its frame)."""
    if not isinstance(cell, Paragraph):
        return cell
    _, height = cell.wrap(width, CELL_MAX)
    if height <= CELL_MAX:
        return cell
    note = T(CELL_CUT, st.muted)
    _, note_h = note.wrap(width, CELL_MAX)
    parts = cell.split(width, CELL_MAX - note_h)
    return [parts[0], note] if parts else [note]


def cap_rows(rows: list[list[Any]], widths: Sequence[float], padding: float, st: Styles) -> list[list[Any]]:
    """:func:`capped` for every cell (``padding``: a cell's left plus right padding)."""
    return [[capped(cell, widths[c] - padding, st) for c, cell in enumerate(row)] for row in rows]


def grid(rows: list[list[Any]], widths: Sequence[float], *, header: bool = True, zebra: bool = True,
         extra: Sequence[tuple] = ()) -> Table:
    first = 1 if header else 0
    # Never leave a lone row at the foot of a page or at the head of the next one.
    keep = (first + _Grid.KEEP, -_Grid.KEEP) if len(rows) - first >= 2 * _Grid.KEEP else None
    rows = cap_rows(rows, widths, 8, styles())
    table = _Grid(rows, colWidths=list(widths), repeatRows=first, hAlign="LEFT", rowSplitRange=keep)
    style: list[tuple] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LINEBELOW", (0, 0), (-1, -1), 0.3, RULE),
    ]
    style = PLAIN_CELLS + style
    if header:
        style += [("BACKGROUND", (0, 0), (-1, 0), SHADE), ("LINEBELOW", (0, 0), (-1, 0), 0.8, ACCENT)]
    if zebra:
        for r in range(1 if header else 0, len(rows)):
            if (r % 2 == 0) if header else (r % 2 == 1):
                style.append(("BACKGROUND", (0, r), (-1, r), colors.HexColor("#fafbfc")))
    table.setStyle(TableStyle(style + list(extra)))
    return table


# Table cells given as plain strings (short figures, months, dates) are drawn in the body face,
# without the cost of a paragraph; they are never markup, so they need no escaping.
PLAIN_CELLS: list[tuple] = [
    ("FONTNAME", (0, 0), (-1, -1), FONT),
    ("FONTSIZE", (0, 0), (-1, -1), 8.3),
    ("LEADING", (0, 0), (-1, -1), 10.8),
    ("TEXTCOLOR", (0, 0), (-1, -1), INK),
]


def plain_or_para(text: str, style: Any, width: float) -> Any:
    """A plain string when ``text`` fits on one line of ``width``, else a wrapping paragraph."""
    text = clean(text)
    if "\n" not in text and len(text) < 60 and stringWidth(text, style.fontName, style.fontSize) < width - 9:
        return text
    return T(text, style)


# ---------------------------------------------------------------------------
# Facts the sections share (formatted from the Assessment, never recomputed)


class Threshold(NamedTuple):
    rating: str
    text: str
    """``Red below 1.00``"""
    about: str
    """What the limit means (the parameter's label), or empty."""


_METRIC_TEST = re.compile(
    r"metric\.(?P<metric>[a-z_]+)\s*(?P<op><=|>=|<|>)\s*(?:param\.(?P<param>[A-Za-z0-9_.]+)|(?P<number>-?\d+(?:\.\d+)?))"
)
_OP_WORDS = {"<": "below", "<=": "at or below", ">": "above", ">=": "at or above"}


def thresholds(k: Knowledge) -> dict[str, list[Threshold]]:
    """For each metric, the limits the rules judge it by, read from the rules' own conditions."""
    out: dict[str, list[Threshold]] = {}
    seen: set[tuple[str, str, str]] = set()
    for rule in k.rules:
        for level in rule.levels:
            for m in _METRIC_TEST.finditer(level.condition.source):
                mid, op = m.group("metric"), m.group("op")
                if m.group("param"):
                    p = k.parameters.get(m.group("param"))
                    if p is None:
                        continue
                    limit, what = formatting.by_unit(p.value, p.unit), p.label
                else:
                    info = k.metric_info.get(mid)
                    limit = formatting.by_unit(float(m.group("number")), info.unit if info else "")
                    what = rule.levels[0].title if "{" not in rule.levels[0].title else ""
                rating = level.rating or "amber"
                if level.severity == "blocker":
                    rating = "blocker"
                key = (mid, op, limit)
                if key in seen:
                    continue
                seen.add(key)
                word = {"blocker": "Blocker", "red": "Red", "amber": "Amber"}.get(rating, rating.title())
                out.setdefault(mid, []).append(Threshold(rating, f"{word} {_OP_WORDS[op]} {limit}", what))
    return out


def principal_reasons(b: _Brief) -> tuple[list[str], int]:
    """Up to four reasons for the band, most decisive first (plain text), and how many were left out."""
    a = b.a
    reasons: list[str] = []
    blockers = [f for f in a.findings if f.severity == "blocker"]
    reasons += [f"Blocker: {f.title} ({b.area_title(f.area)})" for f in blockers]
    if a.band == "incomplete":
        for area in a.areas:
            if area.rating == "unknown":
                missing = [b.label(q) for q in area.missing]
                n = len(missing)
                reasons.append(
                    f"{b.area_title(area.id)} cannot be rated: {n} key question{'s' if n != 1 else ''} "
                    f"unanswered ({'; '.join(missing)})"
                )
    elif a.band == "not_ready":
        reasons += [f"{f.title} ({b.area_title(f.area)}, red)" for f in a.findings
                    if f.rating == "red" and f.severity != "blocker"]
    elif a.band == "nearly_ready":
        reasons += [f"{f.title} ({b.area_title(f.area)}, amber)" for f in a.findings if f.rating == "amber"]
    elif a.band == "ready":
        reasons.append(
            "Every one of the seven risk areas is rated green: no finding sets an amber or red rating.")
    return reasons[:MAX_REASONS], max(0, len(reasons) - MAX_REASONS)


def forecast_rows(b: _Brief) -> list[dict[str, Any]] | None:
    rows = b.values.get("fin.forecast")
    return sorted_forecast(rows) if isinstance(rows, list) and rows else None


def scenarios(b: _Brief) -> list[StressSeries]:
    """The stress tests with their running cash (:func:`lendready.domain.stress.stress_series`)."""
    return b.once("scenarios", lambda: stress_series(b.values, b.k))


def sizing(b: _Brief) -> dict[str, Any]:
    return b.once("sizing", lambda: loan_sizing(b.case.answers, b.k))


def proposals(b: _Brief) -> list[Proposal]:
    return b.once("proposals", lambda: to_improve(b.case.answers, b.k, band=b.a.band, sizing=sizing(b)))


def cash_series(b: _Brief) -> tuple[list[str], list[charts.Series], list[float], float] | None:
    """Months, scenario lines, the main line's balances and the monthly repayment; None without a forecast."""
    return b.once("cash_series", lambda: _cash_series(b))


def _cash_series(b: _Brief) -> tuple[list[str], list[charts.Series], list[float], float] | None:
    """The balances are the engine's own arithmetic (``metrics.running_cash``, and the stress
    module's scenarios) on the answers the engine used; nothing here decides anything.
    """
    rows = forecast_rows(b)
    cash, amount = b.values.get("fin.cash"), b.values.get("loan.amount")
    term = b.values.get("loan.term_months")
    if rows is None or cash is None or amount is None or not term:
        return None
    rate = b.values.get("loan.interest_rate")
    if rate is None:
        rate = b.k.param_values["default_interest_rate"]
    repayment = monthly_repayment(amount, term, rate)
    base = running_cash(cash, rows, repayment, term)
    months = [r["month"] for r in rows]
    series = [charts.Series("Forecast as given", base, "#1f4e79")]
    for i, sc in enumerate(scenarios(b)):
        if sc.balances is not None and len(sc.balances) == len(months):
            colour, dash = charts.scenario_style(i)
            series.append(charts.Series(sc.result.label, sc.balances, colour, dash))
    return months, series, base, repayment


def no_scenario_reason(b: _Brief) -> str:
    """Why :func:`stress_series` has nothing to run, in a few words."""
    missing = []
    if forecast_rows(b) is None:
        missing.append("a monthly forecast")
    if b.values.get("fin.cash") is None:
        missing.append("the cash at bank")
    if b.values.get("loan.amount") is None:
        missing.append("the loan amount")
    if not b.values.get("loan.term_months"):
        missing.append("the loan term")
    if not missing:
        return "the answers give no usable forecast"
    listed = ", ".join(missing[:-1]) + " and " + missing[-1] if len(missing) > 1 else missing[0]
    return "each needs " + listed


def band_cell(b: _Brief, band: str) -> Paragraph:
    info = b.k.bands.get(band)
    label = info.label if info else band
    colour = info.colour if info else RATING_COLOURS["unknown"]
    return P(f'<font color="{colour}"><b>{esc(label)}</b></font>', b.st.cell)


def scenario_table(b: _Brief) -> list[Flowable]:
    """Every stress scenario: its lowest cash and month, DSCR and band, after the forecast as given."""
    st, a = b.st, b.a
    out = h2(b, b.pick("Stress scenarios", "What if something goes wrong?", "Stress scenarios"))
    runs = scenarios(b)
    if not runs:
        out.append(T(f"No stress scenario can be run: {no_scenario_reason(b)}.", st.body))
        return out
    out.append(T(b.pick(
        "Each scenario changes one thing and keeps the forecast's payments; the band is lendready's "
        "assessment rerun with that change.",
        "Each line changes one thing in your forecast; the band is what you would get if it happened.",
        "Each scenario changes one thing and keeps the forecast's payments; the band is lendready's "
        "assessment rerun with that change."), st.body_tight))
    red = colors.HexColor(RATING_COLOURS["red"])
    rows: list[list[Any]] = [["Scenario", "Lowest cash", "Month", "DSCR", "Band", "Note"]]
    extra: list[tuple] = [("FONTNAME", (0, 0), (-1, 0), FONT_BOLD), ("ALIGN", (1, 0), (1, -1), "RIGHT"),
                          ("ALIGN", (3, 0), (3, -1), "RIGHT")]

    def add(label: str, low: float | None, month: Any, dscr: float | None, band: str, note: str) -> None:
        rows.append([
            T(label, st.cell),
            formatting.money(low) if low is not None else "n/a",
            clean(month) if isinstance(month, str) else "",
            formatting.ratio(dscr) if dscr is not None else "n/a",
            band_cell(b, band),
            T(note, st.cell_small) if note else "",
        ])
        if low is not None and low < 0:
            extra.append(("TEXTCOLOR", (1, len(rows) - 1), (1, len(rows) - 1), red))

    m = a.metrics.values
    add("Forecast as given", m.get("lowest_forecast_cash"), m.get("lowest_cash_month"), m.get("dscr"), a.band,
        "")
    for sc in runs:
        r = sc.result
        note = r.note or ""
        if r.interest_cover is not None:
            note = "; ".join(x for x in (f"interest cover {formatting.ratio(r.interest_cover)}", note) if x)
        add(r.label, r.lowest_forecast_cash, r.lowest_cash_month, r.dscr, r.band, note)
    widths = [57 * mm, 25 * mm, 15 * mm, 12 * mm, 26 * mm]
    out.append(grid(rows, widths + [FRAME_W - sum(widths)], extra=extra))
    return out


def loan_sizing_table(b: _Brief) -> list[Flowable]:
    """The largest loan at the asked term, and the shortest term for the amount asked."""
    st = b.st
    size = sizing(b)
    target = formatting.ratio(size["dscr_target"])
    amount, term = b.values.get("loan.amount"), b.values.get("loan.term_months")
    dscr_reason = b.a.metrics.reasons.get("dscr")
    out = h2(b, b.pick("How much could be borrowed", "How much you could borrow",
                       "How much could be borrowed"))
    asked_term = f" ({b.answer('loan.term_months')})" if term else ""
    first = f"Largest loan at the asked term{asked_term} keeping DSCR ≥ {target} and cash ≥ £0"
    best = size["max_amount"]
    if best is None:
        largest = "cannot be worked out: " + (dscr_reason or "no loan term") if term else "no loan term asked"
    elif best == 0:
        largest = "not even £1,000"
    else:
        largest = formatting.money(best)
    if amount is not None:
        second = f"Shortest term for the amount asked ({b.answer('loan.amount')})"
    else:
        second = "Shortest term for the amount asked"
    shortest_n = size["shortest_term_months"]
    if amount is None:
        shortest = "no amount asked"
    elif shortest_n is not None:
        shortest = formatting.answer("integer", shortest_n, None, "months")
    elif dscr_reason and b.a.metrics.values.get("dscr") is None:
        shortest = "cannot be worked out: " + dscr_reason
    else:
        shortest = "no term up to 30 years meets both"
    rows = [[T(first, st.cell), T(largest, st.cell_bold)], [T(second, st.cell), T(shortest, st.cell_bold)]]
    out.append(Keep([
        T(b.pick("Worked out on the same metrics as the band, at the asked interest rate.",
                 "Worked out on the same figures as your band, at the interest rate you gave.",
                 "Worked out on the same metrics as the band, at the asked interest rate."), st.body_tight),
        grid(rows, [FRAME_W - 45 * mm, 45 * mm], header=False, extra=[("ALIGN", (1, 0), (1, -1), "RIGHT")]),
    ]))
    return out


def change_value(b: _Brief, qid: str, value: Any) -> str:
    """An answer before or after a proposed change, as the questionnaire would show it."""
    q = b.k.questionnaire.questions.get(qid)
    if value is None:
        return "not answered"
    if q is None:
        return str(value)
    if q.type == "yesno" and isinstance(value, str):
        return value.capitalize()
    return formatting.answer(q.type, value, q.choice_label, q.unit)


def band_moves(b: _Brief) -> list[Flowable]:
    """The smallest sets of answers that give a better band (:func:`lendready.domain.improve.to_improve`)."""
    st, a = b.st, b.a
    found = proposals(b)
    heading = _Heading("Changes that would move the band", st.h2, 1)
    if not found:
        if a.band == "ready":
            why = "None is needed: the case is already in the best band."
        elif a.band == "incomplete":
            why = "None is tried while key questions are unanswered: answering them comes first."
        else:
            why = ("No change lendready can try, alone or in pairs, gives a better band: the steps below "
                   "are the way forward.")
        return [CondPageBreak(70), Keep([heading, T(why, st.body)])]
    intro = T(b.pick(
        "The smallest sets of answers that would give a better band, each checked by rerunning the "
        "assessment with the changed answers.",
        "The smallest changes to your answers that would give you a better band; each was checked by "
        "rerunning the assessment.",
        "The smallest sets of answers that would give a better band, each checked by rerunning the "
        "assessment with the changed answers."), st.body_tight)
    rows: list[list[Any]] = [["Change", "Band it gives"]]
    for prop in found:
        runs: list[Run | str] = []
        for i, c in enumerate(prop.changes):
            if i:
                runs.append(("br", ""))
            runs += [("b", b.label(c.question) + ": "),
                     f"{change_value(b, c.question, c.before)} → {change_value(b, c.question, c.after)}"]
        rows.append([R(st.cell, *runs), band_cell(b, prop.band)])
    table = grid(rows, [FRAME_W - 32 * mm, 32 * mm], extra=[("FONTNAME", (0, 0), (-1, 0), FONT_BOLD)])
    if len(found) <= 4:
        return [CondPageBreak(70), Keep([heading, intro, table]), Spacer(1, 4)]
    return [CondPageBreak(70), heading, intro, table, Spacer(1, 4)]


# ---------------------------------------------------------------------------
# Sections


def cover(b: _Brief) -> list[Flowable]:
    st = b.st
    out: list[Flowable] = [Spacer(1, 18 * mm)]
    out.append(P(f"lendready · {esc(AUDIENCE_TITLES[b.audience])}", st.cover_kicker))
    out.append(T(b.org, st.cover_title))
    facts: list[tuple[str, str]] = []
    if "org.legal_form" in b.values:
        facts.append(("Legal form", b.answer("org.legal_form")))
    if "org.registration_number" in b.values:
        facts.append(("Registration number", b.answer("org.registration_number")))
    loan = []
    if "loan.amount" in b.values:
        loan.append(b.answer("loan.amount"))
    if "loan.term_months" in b.values:
        term = b.values["loan.term_months"]
        years = f" ({formatting.number(term / 12)} years)" if term % 12 == 0 and term >= 24 else ""
        loan.append(f"over {b.answer('loan.term_months')}{years}")
    if loan and "loan.interest_rate" in b.values:
        loan.append(f"at {b.answer('loan.interest_rate')}")
    elif loan and b.metric("interest_rate"):
        loan.append(f"at an assumed {b.metric('interest_rate')}")
    facts.append(("Loan asked", " ".join(loan) if loan else "not answered"))
    facts.append(("Purpose", b.answer("loan.purpose") if "loan.purpose" in b.values else "not answered"))
    if b.metric("monthly_repayment"):
        facts.append((b.metric_label("monthly_repayment"), b.metric("monthly_repayment") or ""))
    rows = [[T(k, st.label), T(v, st.body_tight)] for k, v in facts]
    table = Table(rows, colWidths=[42 * mm, FRAME_W - 42 * mm], hAlign="LEFT")
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LINEBELOW", (0, 0), (-1, -1), 0.3, RULE),
    ]))
    out += [table, Spacer(1, 10 * mm)]

    fg = text_on(b.band_colour)
    band = b.band
    meaning_lender = band.lender if band else ""
    meaning_founder = band.founder if band else ""
    word = st.cover_band.clone("band_word", textColor=fg)
    note = st.cover_band_note.clone("band_note", textColor=fg)
    small = st.small.clone("band_small", textColor=fg)
    cell: list[Flowable] = [P("READINESS", small), T(b.band_label, word), Spacer(1, 4),
                            T(meaning_founder if b.audience == "founder" else meaning_lender, note)]
    box = Table([[cell]], colWidths=[FRAME_W], hAlign="LEFT")
    box.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor(b.band_colour)),
        ("LEFTPADDING", (0, 0), (-1, -1), 12), ("RIGHTPADDING", (0, 0), (-1, -1), 12),
        ("TOPPADDING", (0, 0), (-1, -1), 10), ("BOTTOMPADDING", (0, 0), (-1, -1), 12),
    ]))
    out += [box, Spacer(1, 12 * mm)]

    meta = [
        ("Date", b.generated.strftime("%d %B %Y").lstrip("0")),
        ("Prepared by", ROLE_NAMES.get(b.case.prepared_by, b.case.prepared_by)),
        ("Written for", AUDIENCE_DESCRIPTIONS[b.audience]),
        ("Case reference", b.case.case_id),
        ("Rules", f"version {b.a.rules_version}, lendready {__version__}"),
    ]
    rows = [[T(k, st.label), T(v, st.small)] for k, v in meta]
    table = Table(rows, colWidths=[42 * mm, FRAME_W - 42 * mm], hAlign="LEFT")
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
    ]))
    out.append(table)
    out.append(Spacer(1, 6 * mm))
    out.append(P(
        "lendready is a readiness check, not a credit decision. It reads the answers as given and says how a "
        "lender is likely to see them; every figure and threshold behind it is listed under Provenance.",
        st.muted))
    return out


def summary(b: _Brief) -> list[Flowable]:
    st, a = b.st, b.a
    out = h1(b, b.pick("Summary for the credit committee", "Where you stand"))
    band_html = (f'<font color="{b.band_colour}"><b>{esc(b.band_label)}</b></font>')
    n = len(a.findings)
    out.append(P(
        f"{b.pick('Readiness band', 'Your readiness band')}: {band_html}. "
        f"{esc(b.pick(b.band.lender, b.band.founder) if b.band else '')} "
        f"{n} finding{'s' if n != 1 else ''} in all.", st.body))
    out += h2(b, b.pick("Principal reasons for the band", "The main reasons"))
    reasons, more = principal_reasons(b)
    out += bullets(b, reasons, numbered=True)
    if more:
        out.append(P(f"… and {more} more of the same weight, listed under Findings.", st.muted))

    out += h2(b, "The seven risk areas")
    counts: dict[str, int] = {}
    for f in a.findings:
        if f.severity != "info":
            counts[f.area] = counts.get(f.area, 0) + 1
    bars = []
    for area in a.areas:
        if area.rating == "unknown":
            m = len(area.missing)
            note = f"{m} key question{'s' if m != 1 else ''} unanswered"
        else:
            c = counts.get(area.id, 0)
            note = f"{c} finding{'s' if c != 1 else ''}" if c else "no findings"
        bars.append(charts.AreaBar(b.area_title(area.id), area.rating, note))
    out.append(charts.area_chart(bars, FRAME_W))
    out.append(Spacer(1, 4))

    out += h2(b, b.pick("Key figures and the thresholds they are judged against",
                        "Your key figures, and what a lender looks for"))
    out.append(key_figures_table(b))

    words = [(qid, b.values[qid]) for qid in FREE_TEXT
             if isinstance(b.values.get(qid), str) and b.values[qid].strip()]
    if words:
        out += h2(b, b.pick("In the applicant's words", "In your words"))
        rows = [[T(b.label(qid), st.cell_small), T(text, st.cell)] for qid, text in words]
        out.append(grid(rows, [45 * mm, FRAME_W - 45 * mm], header=False, zebra=False))
    return out


def key_figures_table(b: _Brief) -> Table:
    """The key figures of this case beside the limits the rules judge each one by."""
    st, a = b.st, b.a
    limits = thresholds(b.k)
    rows: list[list[Any]] = [[P("<b>Figure</b>", st.cell), P("<b>This case</b>", st.cell),
                              P("<b>Judged against</b>", st.cell)]]
    for mid in KEY_METRICS:
        if mid not in b.k.metric_info:
            continue
        value = b.metric(mid)
        if value is None:
            reason = a.metrics.reasons.get(mid)
            if reason is None and mid == "lowest_cash_income_stress":
                reason = a.metrics.reasons.get("lowest_forecast_cash")
            shown = P(f'<font color="#5f6368">n/a: {esc(reason or "not available")}</font>', st.cell_small)
        else:
            extra = ""
            if mid == "lowest_forecast_cash" and b.metric("lowest_cash_month"):
                extra = f" in {b.metric('lowest_cash_month')}"
            shown = T(value + extra, st.cell_bold)
        runs: list[Run | str] = []
        for t in limits.get(mid, []):  # a coloured square, the limit in bold, then what it is about
            if runs:
                runs.append(("br", ""))
            runs += [(RATING_COLOURS.get(t.rating, SEVERITY_COLOURS["blocker"]), "■"), " ", ("b", t.text)]
            if t.about:
                runs += [" ", ("m", "· " + t.about)]
        if not runs:
            runs = [("m", "shown for information; no rule tests it on its own")]
        rows.append([T(b.metric_label(mid), st.cell), shown, R(st.cell_small, *runs)])
    return grid(rows, [52 * mm, 36 * mm, FRAME_W - 88 * mm])


def cashflow(b: _Brief) -> list[Flowable]:
    st, a = b.st, b.a
    out = h1(b, b.pick("Cashflow", "Your cashflow", "Cashflow"))
    data = cash_series(b)
    if data is None:
        reason = a.metrics.reasons.get("lowest_forecast_cash", "no usable monthly forecast")
        out.append(P(f"No chart can be drawn: {esc(reason)}.", st.body))
        out.append(T(b.pick(
            "Without a monthly forecast the committee cannot see whether repayments are met in the lean "
            "months.",
            "A lender will want a month-by-month forecast for 12 to 36 months, with its assumptions.",
            "Ask the group what a lender cannot see without a monthly forecast."), st.muted))
        out.append(T(f"No stress scenario can be run: {no_scenario_reason(b)}.", st.body))
        out += loan_sizing_table(b)
        return out
    months, series, base, repayment = data
    low = a.metrics.values.get("lowest_forecast_cash")
    low_month = a.metrics.values.get("lowest_cash_month")
    lowest = (low_month, low) if low is not None and isinstance(low_month, str) else None
    out.append(P(
        f"Month-end cash from an opening {esc(b.answer('fin.cash'))}, after the new loan's repayment of "
        f"{esc(formatting.money(round(repayment, 2)))} a month and without adding the loan itself "
        f"(the engine's conservative reading). The circle marks the lowest month.", st.body))
    out.append(charts.cashflow_chart(months, series, lowest, FRAME_W))
    out.append(Spacer(1, 4))

    out += scenario_table(b)
    out += loan_sizing_table(b)

    out += h2(b, "The forecast month by month")
    term = b.values.get("loan.term_months") or 0
    frows = forecast_rows(b) or []
    rows = [["Month", "Receipts", "Payments", "Loan repayment", "Month-end cash"]]
    neg: list[tuple] = [("FONTNAME", (0, 0), (-1, 0), FONT_BOLD), ("ALIGN", (1, 0), (-1, -1), "RIGHT")]
    for i, (row, bal) in enumerate(zip(frows, base), start=1):
        pay = repayment if i <= term else 0.0
        rows.append([
            clean(row["month"]),
            formatting.money(row["receipts"]),
            formatting.money(row["payments"]),
            formatting.money(round(pay, 2)),
            formatting.money(round(bal, 2)),
        ])
        if bal < 0:
            neg.append(("TEXTCOLOR", (4, i), (4, i), colors.HexColor(RATING_COLOURS["red"])))
        if row["month"] == low_month:
            neg.append(("BACKGROUND", (0, i), (-1, i), colors.HexColor("#fff4e0")))
    widths = [28 * mm] + [(FRAME_W - 28 * mm) / 4] * 4
    out.append(grid(rows, widths, extra=neg))
    out.append(P("The highlighted row is the lowest month. Payments exclude the loan asked for; its "
                 "repayment is "
                 "shown in its own column.", st.muted))
    return out


def finding_block(b: _Brief, f: Finding, *, belief_label: str = "The belief:") -> Flowable:
    """One finding: a coloured severity tag and the title, then evidence, why it matters, what to do.

    ``belief_label`` introduces a myth's statement (the trainer's handout asks "True or false?").
    """
    st = b.st
    colour = SEVERITY_COLOURS.get(f.severity, "#546e7a")
    word = SEVERITY_WORDS.get(f.severity, f.severity) + (f" · {f.rating}" if f.rating else "")
    fg = "#ffffff" if text_on(colour) == colors.white else "#1a1a1a"
    parts: list[Flowable] = [
        tagged(st.finding_title, colour, fg, word, f.title),
        R(st.finding_meta, f"{b.area_title(f.area)} · rule {f.id}"),
    ]
    if f.myth:
        parts.append(R(st.finding_body, ("b", belief_label), " " + f.myth))
    if f.evidence:
        label = b.pick("Evidence", "What the lender sees in your answers")
        parts.append(T(label, st.finding_label))
        width = FRAME_W - st.finding_body.leftIndent
        rows = [[T(b.label(e.question), st.cell_small), plain_or_para(b.answer(e.question, e.value), st.cell,
                                                                      width * 0.38)]
                for e in f.evidence]
        ev = Table(cap_rows(rows, [width * 0.62, width * 0.38], 3 + 6, st), colWidths=[width * 0.62, width * 0.38],
                   hAlign="RIGHT")
        ev.setStyle(TableStyle(PLAIN_CELLS + [
            ("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 3),
            ("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
            ("BACKGROUND", (0, 0), (-1, -1), SHADE), ("LINEBELOW", (0, 0), (-1, -2), 0.3, colors.white),
        ]))
        parts += [ev, Spacer(1, 3)]
    parts.append(R(st.finding_body, ("b", "The correction:" if f.myth else "Why it matters:"),
                   " " + f.why_it_matters))
    parts.append(R(st.finding_body, ("b", "What to do:"), " " + f.what_to_do))
    if f.lender_condition:
        parts.append(R(st.finding_body, ("b", "Lender condition:"), " " + f.lender_condition))
    parts.append(Spacer(1, 7))
    return Keep(parts)


def findings(b: _Brief) -> list[Flowable]:
    st, a = b.st, b.a
    out = h1(b, b.pick("Findings", "What a lender will see"))
    out.append(P(esc(b.pick(
        "Each finding names the answers it rests on, why it matters to a lender and what would resolve it; "
        "most severe first.",
        "Each point shows what a lender will see in your answers, why it matters to them and what you can "
        "do about it; the most serious first.")), st.body))
    if not a.findings:
        out.append(P("No rule fired on this case.", st.body))
        return out
    out += [finding_block(b, f) for f in a.findings]
    return out


def conditions(b: _Brief) -> list[Flowable]:
    st, a = b.st, b.a
    out = h1(b, b.pick("Conditions a lender might set", "What a lender may ask of you",
                       "Conditions a lender might set"))
    named = [f for f in a.findings if f.lender_condition]
    if named:
        out.append(P(esc(b.pick(
            "Drawn from the findings: conditions precedent or covenants a facility could carry.",
            "If a lender goes ahead, these are the conditions it may attach to the loan, and why.",
            "Each condition follows from a finding: ask the group which finding each one answers.")),
            st.body))
        out += bullets(b, ((f.lender_condition or "", ("br", ""), ("m", f"From: {f.title}")) for f in named))
    else:
        out.append(P("No finding in this case names a specific lender condition.", st.body))
    if b.band:
        out.append(R(st.body, ("b", "For the band as a whole:"), " " + b.pick(b.band.lender, b.band.founder)))
    return out


class _Step(NamedTuple):
    heading: str
    note: str
    items: list[tuple[Run | str, ...]]


def action_steps(b: _Brief) -> list[_Step]:
    """The findings' actions, grouped in the order the band is decided, so the first step moves it most."""
    a = b.a
    steps: list[_Step] = []
    blockers = [f for f in a.findings if f.severity == "blocker"]
    if blockers:
        steps.append(_Step(
            "Remove the blockers",
            "While any of these stands the answer is no, whatever else changes.",
            [(("b", f.title), ("br", ""), f.what_to_do) for f in blockers]))
    unknown = [ar for ar in a.areas if ar.rating == "unknown"]
    if unknown:
        items = []
        for ar in unknown:
            qs = "; ".join(b.label(q) for q in ar.missing) or "its key questions"
            items.append((("b", b.area_title(ar.id) + ":"), f" answer {qs}"))
        steps.append(_Step(
            "Answer the key questions",
            "An area with a key question unanswered cannot be rated, and the case stays Incomplete.",
            items))
    reds = [f for f in a.findings if f.rating == "red" and f.severity != "blocker"]
    if reds:
        steps.append(_Step(
            "Deal with what is rated red",
            "Any one of these keeps the case Not ready.",
            [(("b", f.title), ("br", ""), f.what_to_do) for f in reds]))
    ambers = [f for f in a.findings if f.rating == "amber"]
    if ambers:
        steps.append(_Step(
            "Deal with what is rated amber",
            "With nothing red left, these stand between Nearly ready and Ready.",
            [(("b", f.title), ("br", ""), f.what_to_do) for f in ambers]))
    lows = [f for f in a.findings if f.rating is None and f.severity == "low"]
    if lows:
        steps.append(_Step(
            "Also worth putting right",
            "These do not change the band, but a lender's analyst will notice them.",
            [(("b", f.title), ("br", ""), f.what_to_do) for f in lows]))
    return steps


def action_plan(b: _Brief) -> list[Flowable]:
    st = b.st
    out = h1(b, b.pick("What would change the answer", "Your action plan", "Action plan"))
    out.append(P(esc(b.pick(
        "What the applicant would need to do, ordered by how much each step moves the band.",
        "Start at the top: the steps are ordered by how much each one moves your band.",
        "The founder's view of the same findings, ordered by how much each step moves the band.")), st.body))
    out += band_moves(b)
    steps = action_steps(b)
    if not steps:
        out.append(P(esc(b.pick(
            "Nothing stands in the way of lending on normal terms; the checklist lists what to collect.",
            "Nothing stands in your way: prepare the documents on the checklist and approach a lender.",
            "Nothing to fix on this case: use it to discuss what a ready case still needs.")), st.body))
        return out
    number = 0
    for i, step in enumerate(steps, start=1):
        out += h2(b, f"Step {i}: {step.heading}")
        out.append(P(f'<font color="#5f6368">{esc(step.note)}</font>', st.body_tight))
        for item in step.items:
            number += 1
            out.append(R(st.bullet, *item, bullet=f"{number}."))
    return out


def documents(b: _Brief) -> list[Flowable]:
    st = b.st
    out = h1(b, b.pick("Documents still needed", "Documents to prepare", "The document checklist"))
    docs = b.teaching.documents_for(b.values, b.a.metrics.values)
    out.append(P(esc(b.pick(
        "The checklist for this case, from lendready's document list: tick each as it arrives.",
        "Gather these before you approach a lender; each says why it is asked for.",
        "What a lender would ask this organisation for, and why.")), st.body))
    if not docs:
        out.append(P("The checklist names no document for this case.", st.body))
        return out
    rows: list[list[Any]] = [["", "Document", "Why it is asked for"]]
    for d in docs:
        rows.append(["☐", T(d.text, st.cell), T(d.why or "", st.cell_small)])
    out.append(grid(rows, [7 * mm, 78 * mm, FRAME_W - 85 * mm],
                    extra=[("FONTNAME", (0, 0), (-1, 0), FONT_BOLD)]))
    return out


def products(b: _Brief) -> list[Flowable]:
    st = b.st
    out = h1(b, b.pick("Products that fit", "Kinds of finance that could fit", "Products that fit"))
    offers = b.teaching.products_for(b.values, b.a.metrics.values)
    if not offers:
        out.append(P("None of the kinds of finance lendready knows fits this case as it stands.", st.body))
        return out
    for p in offers:
        block: list[Flowable] = [T(p.name, st.h3)]
        block.append(R(st.body_tight, ("b", "Terms:"), " " + p.terms))
        block.append(R(st.body_tight, ("b", "Why it fits:"), " " + p.fits))
        if p.caution:
            block.append(R(st.body_tight, ("b", "Caution:"), " " + p.caution))
        block.append(Spacer(1, 4))
        out.append(Keep(block))
    return out


def primer(b: _Brief) -> list[Flowable]:
    st, t = b.st, b.teaching
    title = t.primer_title or "Lending to mutuals"
    out = h1(b, b.pick(f"Appendix: {title}", f"Background: {title}", title))
    out.append(P(esc(b.pick(
        "For readers who have never lent to a mutual.",
        "What a lender who has never lent to a mutual may need explaining.",
        "What every lender new to mutuals needs to know: the background to the discussion.")), st.muted))
    for section in t.primer:
        out += h2(b, section.heading)
        out += [T(p, st.reading) for p in section.paragraphs]

    own = b.values.get("org.legal_form")
    forms = list(t.legal_forms.values())
    if forms:
        out += h2(b, "Legal forms")
        ordered = sorted(forms, key=lambda f: f.id != own)
        full = ordered if b.audience == "trainer" or own not in t.legal_forms else ordered[:1]
        for form in full:
            name = form.name + (" (this case)" if form.id == own else "")
            rows = [[k, T(v, st.cell)] for k, v in (
                ("Register", form.register), ("Asset lock", form.asset_lock), ("Dividends", form.dividends),
                ("Charges", form.charges), ("What a lender checks", form.lender_checks))]
            table = grid(rows, [32 * mm, FRAME_W - 32 * mm], header=False, zebra=False,
                         extra=[("FONTSIZE", (0, 0), (0, -1), 7.3), ("TEXTCOLOR", (0, 0), (0, -1), MUTED)])
            out.append(Keep([T(name, st.h3), table, Spacer(1, 3)]))
        others = [f for f in ordered if f not in full]
        if others:
            out.append(T("The other legal forms, in brief", st.h3))
            rows = [[P("<b>Form</b>", st.cell_small), P("<b>Register</b>", st.cell_small),
                     P("<b>Asset lock</b>", st.cell_small)]]
            rows += [[T(f.name, st.cell_small), T(f.register, st.cell_small), T(f.asset_lock, st.cell_small)]
                     for f in others]
            out.append(grid(rows, [45 * mm, (FRAME_W - 45 * mm) / 2, (FRAME_W - 45 * mm) / 2]))

    beliefs = _myths(b)
    if beliefs:
        out += h2(b, "Myths and their corrections")
        for belief, correction in beliefs:
            out.append(Keep([
                R(st.body_tight, ("b", "Myth:"), " " + belief),
                R(st.body, ("b", "Correction:"), " " + correction),
            ]))
    if t.glossary:
        out += h2(b, "Glossary")
        out += [R(st.glossary, ("b", term.term + ":"), " " + term.definition) for term in t.glossary]
    return out


def _myths(b: _Brief) -> list[tuple[str, str]]:
    from lendready.domain.teaching import myths

    try:
        return myths(b.k, b.audience)
    except TypeError:  # an older signature without the role
        return myths(b.k)


def provenance(b: _Brief) -> list[Flowable]:
    st, a, k = b.st, b.a, b.k
    out = h1(b, "Provenance")
    out.append(P("What this briefing was made from, so that it can be checked and made again.", st.muted))
    facts = [
        ("lendready version", __version__),
        ("Rules version", a.rules_version),
        ("Questionnaire version", k.questionnaire.version),
        ("Resources fingerprint", k.fingerprint[:32]),
        ("Case reference", b.case.case_id),
        ("Case created / modified", f"{b.case.created} / {b.case.modified}"),
        ("Prepared by", ROLE_NAMES.get(b.case.prepared_by, b.case.prepared_by)),
        ("Written for", f"{b.audience} ({AUDIENCE_TITLES[b.audience]})"),
        ("Case SHA-256", f"{b.digest}\n(of {b.digest_of})"),
        ("Generated", b.generated.strftime("%Y-%m-%dT%H:%M:%SZ")),
    ]
    rows = [[T(key, st.cell_bold), P(esc(v).replace("\n", "<br/>"), st.cell)] for key, v in facts]
    out.append(grid(rows, [45 * mm, FRAME_W - 45 * mm], header=False))

    out += h2(b, "Unanswered questions")
    if a.unanswered:
        out.append(P(f"{len(a.unanswered)} question{'s' if len(a.unanswered) != 1 else ''} currently asked "
                     "have no valid answer:", st.body_tight))
        rows = [[T(b.label(q), st.cell), T(q, st.cell_small)] for q in a.unanswered]
        out.append(grid(rows, [FRAME_W - 55 * mm, 55 * mm], header=False))
    else:
        out.append(P("None: every question asked has a valid answer.", st.body))
    if a.invalid:
        out += h2(b, "Answers set aside as invalid")
        # Each value as it is in the file, shortened: it may be far too long (that can be why it is
        # set aside), and the case file holds it in full.
        rows = [[T(b.label(i.question), st.cell), T(shortened(i.value), st.cell),
                 T(shortened(i.message), st.cell_small)] for i in a.invalid]
        out.append(grid(rows, [70 * mm, 35 * mm, FRAME_W - 105 * mm], header=False))
    if b.case.warnings:
        out += h2(b, "Kept but not used")
        out += bullets(b, b.case.warnings)

    out += h2(b, "Parameters")
    used = {p for f in a.findings for p in f.parameters}
    out.append(P("Every threshold and default the rules read, with its value, where it comes from and when "
                 "it was "
                 "last reviewed. <b>●</b> marks those behind a finding in this case.", st.body_tight))
    rows = [[P("<b>Parameter</b>", st.cell), P("<b>Value</b>", st.cell_right),
             P("<b>Reference, source and last review</b>", st.cell)]]
    for pid in sorted(k.parameters):
        p = k.parameters[pid]
        mark = "● " if pid in used else ""
        rows.append([
            [T(mark + pid, st.cell_small_bold), T(p.label, st.cell_small)],
            formatting.by_unit(p.value, p.unit),
            [T(p.reference, st.cell_small),
             T(f"{p.source} · valid from {p.valid_from} · last reviewed {p.last_review}", st.cell_small_muted)],
        ])
    out.append(grid(rows, [62 * mm, 19 * mm, FRAME_W - 81 * mm], extra=[("ALIGN", (1, 1), (1, -1), "RIGHT")]))
    return out


# The trainer's version is the handout (lendready.report.handout), which reuses these sections.
ORDERS: dict[str, tuple[Callable[[_Brief], list[Flowable]], ...]] = {
    "lender": (summary, cashflow, findings, conditions, action_plan, documents, products, primer, provenance),
    "founder": (
        summary, action_plan, documents, cashflow, findings, conditions, products, primer, provenance),
}
# Sections that start on a fresh page (the others follow on when there is room).
NEW_PAGE = {summary, cashflow, primer, provenance}


def story(b: _Brief) -> list[Flowable]:
    out: list[Flowable] = cover(b)
    out.append(NextPageTemplate("body"))
    first = True
    for section in ORDERS[b.audience]:
        fresh = section in NEW_PAGE and not (section is cashflow and cash_series(b) is None)
        if first:
            out.append(PageBreak())
        elif fresh:
            out.append(CondPageBreak(FRESH_PAGE))  # a new page, unless this one is still nearly empty
        first = False
        out += section(b)
        out.append(Spacer(1, 8))
    return out


# ---------------------------------------------------------------------------
# Page furniture, numbering and the document


def _fit(text: str, font: str, size: float, width: float) -> str:
    return charts.fit(text, font, size, width)


def _canvas_maker(b: _Brief) -> type[Canvas]:
    stamp = b.generated.strftime("D:%Y%m%d%H%M%S+00'00'")
    org = b.org
    title = AUDIENCE_TITLES[b.audience]
    footer_left = f"lendready {__version__} · rules {b.a.rules_version} · generated {b.stamp()}"
    # Fitted once: the same strings go on every page.
    right = _fit(title, FONT, 7.5, 70 * mm)
    left = _fit(org, FONT_BOLD, 8, FRAME_W - 75 * mm)
    footer = _fit(footer_left, FONT, 7, FRAME_W - 30 * mm)

    class BriefingCanvas(PagedCanvas, FastCanvas):
        """The organisation and the audience at the head of each page, "page 3 of 9" at the foot."""

        date_stamp = stamp

        def _furniture(self, total: int) -> None:
            page = self._pageNumber
            self.saveState()
            if page > 1:
                y = PAGE_H - 13 * mm
                self.setFont(FONT, 7.5)
                self.setFillColor(MUTED)
                self.drawRightString(PAGE_W - MARGIN_X, y, right)
                self.setFont(FONT_BOLD, 8)
                self.setFillColor(INK)
                self.drawString(MARGIN_X, y, left)
                self.setStrokeColor(RULE)
                self.setLineWidth(0.5)
                self.line(MARGIN_X, y - 3, PAGE_W - MARGIN_X, y - 3)
            self.setFont(FONT, 7)
            self.setFillColor(MUTED)
            self.drawString(MARGIN_X, 10 * mm, footer)
            self.drawRightString(PAGE_W - MARGIN_X, 10 * mm, f"Page {page} of {total}")
            self.restoreState()

    return BriefingCanvas


class _Doc(BaseDocTemplate):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The groups reportlab makes for keepWithNext (a heading and what follows). A class
        # attribute would not do: reportlab's constructor sets its own default on the instance.
        kwargs.setdefault("keepTogetherClass", Keep)
        super().__init__(*args, **kwargs)

    def afterFlowable(self, flowable: Flowable) -> None:
        if isinstance(flowable, _Heading):
            key = f"h{self.seq.nextf('outline')}"
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(flowable.outline_title, key, level=flowable.outline_level, closed=True)


def _render(b: _Brief) -> bytes:
    buffer = io.BytesIO()
    org = clean(b.org)
    doc = _Doc(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN_X, rightMargin=MARGIN_X, topMargin=MARGIN_TOP, bottomMargin=MARGIN_BOTTOM,
        title=f"{AUDIENCE_TITLES[b.audience]}: {org}",
        author=f"Prepared by {ROLE_NAMES.get(b.case.prepared_by, b.case.prepared_by)} "
               f"with lendready {__version__}",
        subject=f"Lending readiness of {org}: {b.band_label} (rules {b.a.rules_version})",
        creator=f"lendready {__version__}",
        keywords=["lendready", "lending readiness", b.audience, b.a.band],
        invariant=1,
        lang="en-GB",
        displayDocTitle=1,
    )
    frame = Frame(MARGIN_X, MARGIN_BOTTOM, FRAME_W, FRAME_H, id="body",
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    doc.addPageTemplates([PageTemplate("cover", [frame]), PageTemplate("body", [frame])])
    # Binary (Flate-only) streams: ASCII85 would make the file a quarter larger and, without
    # reportlab's optional C accelerator, cost more than the layout of a page.
    forget_widths()
    a85, rl_config.useA85 = rl_config.useA85, 0
    try:
        doc.build(story(b), canvasmaker=_canvas_maker(b))
    finally:
        rl_config.useA85 = a85
    return buffer.getvalue()


__all__ = [
    "AUDIENCES",
    "AUDIENCE_TITLES",
    "BriefingError",
    "build_briefing",
    "case_digest",
    "generation_time",
    "suggested_filename",
    "write_briefing",
]
