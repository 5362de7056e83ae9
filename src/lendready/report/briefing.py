"""The PDF briefing: a credit-committee paper, a founder's action plan or a trainer's handout.

One story of platypus flowables, built from one Analysis
(:func:`lendready.domain.advice.analyse`) and the teaching content. The audience
changes the wording, the order of the sections and which of them lead; it never
changes a fact: every version carries the same band, ratings, figures, findings,
stress results, loan sizing, checklist and provenance, and the date the case was
assessed at.

The trainer's version is the handout of :mod:`lendready.report.handout`: the
exercise sheet for the room, the answers on pages of their own, then a reference
part for the trainer made of this module's sections (the figures against their
thresholds, the cashflow, the conditions, the action plan, the checklist, the
finance that fits, the primer) and the same provenance. When the case's answers
are exactly a shipped sample's (:func:`lendready.domain.teaching.samples.sample_for`) it
carries that sample's story, questions and verdict; otherwise it is a case of
the user's own.

A renderer only ("the domain decides; renderers format"): the verdict, the key
figures and the limits they are judged by, the cash line and every stress
scenario's, the loan sizing, the proposals, the finance that fits, the reasons,
conditions and steps are the Analysis's own, in its order. Nothing here
computes, ranks or re-derives a fact, or reads rule text; where advice is put in
words, the words are :mod:`lendready.domain.advice.words`'.

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
from datetime import date, datetime, timezone
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
from lendready.domain.advice import Analysis, AsOfError, KeyFigure, Threshold, analyse
from lendready.domain.advice.words import STRESS_TIMING_ONLY, caveat_text, sizing_sentences
from lendready.domain.engine import formatting
from lendready.domain.engine.assessment import Assessment, Finding
from lendready.domain.engine.knowledge import Knowledge
from lendready.domain.files.case_file import Case, atomic_write, dumps
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
    as_of: date | None = None,
    analysis: Analysis | None = None,
) -> bytes:
    """The briefing for ``audience`` as PDF bytes, built from one :func:`~lendready.domain.advice.analyse`.

    ``analysis`` is the case's Analysis when the caller has one (for this audience);
    else the case is analysed once here, at ``as_of`` (default: the date of
    ``SOURCE_DATE_EPOCH`` when set, else today). For ``"trainer"``, the handout
    (:func:`lendready.report.handout.build_handout`) with the sample the case's
    answers match, if any.
    """
    if audience not in AUDIENCES:
        raise BriefingError(f"audience must be one of {', '.join(AUDIENCES)}, not {audience!r}")
    if audience == "trainer":
        from lendready.domain.teaching.samples import sample_for
        from lendready.report.handout import build_handout

        return build_handout(case, knowledge, sample=sample_for(case, knowledge), generated=generated,
                             case_bytes=case_bytes, as_of=as_of, analysis=analysis)
    when = generation_time(generated)
    # reportlab's own clock also reads SOURCE_DATE_EPOCH and fails on a bad one: check it first.
    if os.environ.get("SOURCE_DATE_EPOCH", "").strip():
        _epoch_seconds(os.environ["SOURCE_DATE_EPOCH"].strip())
    brief = _Brief.make(case, knowledge, audience, when, case_bytes, analysis=analysis, as_of=as_of)
    return _render(brief)


def write_briefing(
    path: str | os.PathLike[str],
    case: Case,
    knowledge: Knowledge,
    *,
    audience: str,
    generated: datetime | None = None,
    case_bytes: bytes | None = None,
    as_of: date | None = None,
    analysis: Analysis | None = None,
) -> Path:
    """Build the briefing, then write it atomically: ``path`` is either untouched or complete."""
    return write_pdf(path, build_briefing(case, knowledge, audience=audience, generated=generated,
                                          case_bytes=case_bytes, as_of=as_of, analysis=analysis))


def write_pdf(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write a built PDF atomically (the briefing, the handout, a session pack): ``path`` is either
    untouched or complete."""
    target = Path(path)
    atomic_write(target, data)
    return target


# ---------------------------------------------------------------------------
# What the story is built from


def analysis_for(case: Case, k: Knowledge, audience: str, analysis: Analysis | None = None,
                 as_of: date | None = None) -> Analysis:
    """The one Analysis a document is built from: the caller's when it is worded for ``audience``,
    else the case analysed once (at ``as_of``, or at the caller's Analysis's date)."""
    if analysis is not None and analysis.assessment.audience == audience:
        return analysis
    when = as_of if as_of is not None else (analysis.as_of if analysis is not None else None)
    try:
        return analyse(case, k, when, audience=audience)
    except AsOfError as exc:
        raise BriefingError(str(exc)) from None


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
    an: Analysis
    """Every fact the sections show: the assessment and the advice built on it, decided by the domain."""

    @classmethod
    def make(cls, case: Case, k: Knowledge, audience: str, generated: datetime,
             case_bytes: bytes | None, *, analysis: Analysis | None = None,
             as_of: date | None = None) -> _Brief:
        from lendready.domain.teaching.content import load_teaching

        an = analysis_for(case, k, audience, analysis, as_of)
        digest, digest_of = case_digest(case, k, case_bytes)
        return cls(case, k, an.assessment, an.values, load_teaching(knowledge=k), audience, generated, digest,
                   digest_of, styles(k.root), an)

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
# Facts the sections share (formatted from the Analysis, never recomputed)


_OP_WORDS = {"<": "below", "<=": "at or below", ">": "above", ">=": "at or above", "==": "at", "!=": "not at"}
_RATING_WORDS = {"blocker": "Blocker", "red": "Red", "amber": "Amber"}


def as_of_text(b: _Brief) -> str:
    """The date the case is assessed at, as a British reader writes it."""
    return b.an.as_of.strftime("%d/%m/%Y")


def threshold_text(t: Threshold) -> str:
    """``Red below 1.00``: a limit as the rules state it, formatted by its unit."""
    word = _RATING_WORDS.get(t.rating, t.rating.title())
    return f"{word} {_OP_WORDS.get(t.op, t.op)} {formatting.by_unit(t.value, t.unit)}"


def figure_text(kf: KeyFigure) -> str | None:
    """A key figure as the reader sees it; None when there is no figure (``kf.reason`` says why)."""
    if kf.value is None:
        return None
    if kf.negative_earnings:
        return formatting.NEGATIVE_EARNINGS
    return formatting.by_unit(kf.value, kf.unit)


def figure(b: _Brief, mid: str) -> KeyFigure | None:
    return next((f for f in b.an.key_figures if f.id == mid), None)


def reason_lines(b: _Brief) -> tuple[list[str], int]:
    """The Analysis's reasons for the band, most decisive first (plain text), up to four, and how many
    were left out."""
    lines: list[str] = []
    for r in b.an.reasons:
        f = r.finding
        if r.kind == "blocker" and f is not None:
            lines.append(f"Blocker: {f.title} ({b.area_title(f.area)})")
        elif r.kind == "unanswered" and r.area is not None:
            missing = [b.label(q) for q in r.missing]
            n = len(missing)
            lines.append(f"{b.area_title(r.area)} cannot be rated: {n} key question{'s' if n != 1 else ''} "
                         f"unanswered ({'; '.join(missing)})")
        elif r.kind in ("red", "amber") and f is not None:
            lines.append(f"{f.title} ({b.area_title(f.area)}, {r.kind})")
        elif r.kind == "all_green":
            lines.append("Every one of the seven risk areas is rated green: no finding sets an amber or red "
                         "rating.")
    return lines[:MAX_REASONS], max(0, len(lines) - MAX_REASONS)


def rule_title(b: _Brief, rule_id: str) -> str:
    """A finding's title for a rule id: as it reads in this case when the rule fired here; else the
    rule's own title (its red or blocker level's), with the parts that would name a figure left out."""
    found = next((f for f in b.a.findings if f.id == rule_id), None)
    if found is not None:
        return found.title
    rule = b.k.rules_by_id.get(rule_id)
    if rule is None or not rule.levels:
        return rule_id
    level = next((lv for lv in rule.levels if lv.rating == "red" or lv.severity == "blocker"), rule.levels[0])
    return _without_placeholders(level.title)


_PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)+\}")
_BRACKETED = re.compile(r"\s*\([^()]*\{[^()]*\)")


def _without_placeholders(title: str) -> str:
    """``Earnings do not cover the repayments (DSCR {metric.dscr})`` → ``Earnings do not cover the
    repayments``; a placeholder in running text becomes an ellipsis."""
    text = _BRACKETED.sub("", title)
    text = _PLACEHOLDER.sub("…", text)
    return re.sub(r"\s+", " ", text).strip()


def band_cell(b: _Brief, band: str | None) -> Paragraph:
    if band is None:
        return P('<font color="#5f6368">n/a</font>', b.st.cell)
    info = b.k.bands.get(band)
    label = info.label if info else band
    colour = info.colour if info else RATING_COLOURS["unknown"]
    return P(f'<font color="{colour}"><b>{esc(label)}</b></font>', b.st.cell)


def _cash_cell(b: _Brief, low: float | None, month: str | None) -> Any:
    if low is None:
        return P('<font color="#5f6368">n/a</font>', b.st.cell_right)
    runs: list[Run | str] = [(RATING_COLOURS["red"], formatting.money(round(low, 2))) if low < 0
                             else ("", formatting.money(round(low, 2)))]
    if month:
        runs += [("br", ""), ("m", f"in {month}")]
    return R(b.st.cell_right, *runs)


def _ratio_cell(b: _Brief, value: float | None) -> Any:
    if value is None:
        return P('<font color="#5f6368">n/a</font>', b.st.cell_right)
    return formatting.ratio(value)


def scenario_table(b: _Brief) -> list[Flowable]:
    """Every stress scenario of the Analysis, in its order, after the forecast as given."""
    st, an = b.st, b.an
    out = h2(b, b.pick("Stress scenarios", "What if something goes wrong?", "Stress scenarios"))
    out.append(T(b.pick(
        "Each scenario changes the answers one way (the forecast and the year's figures together) and "
        "reruns the assessment; the band, ratios and lowest cash are that rerun's own.",
        "Each line changes one thing in your figures and reruns the assessment; the band is what you would "
        "get if it happened.",
        "Each scenario changes the answers one way (the forecast and the year's figures together) and "
        "reruns the assessment; the band, ratios and lowest cash are that rerun's own."), st.body_tight))
    rows: list[list[Any]] = [["Scenario", P("<b>Lowest cash</b>", st.cell_right),
                              P("<b>DSCR</b>", st.cell_right), P("<b>Interest cover</b>", st.cell_right), "Band"]]
    extra: list[tuple] = [("FONTNAME", (0, 0), (-1, 0), FONT_BOLD), ("ALIGN", (1, 0), (3, -1), "RIGHT")]
    negative = P(f'<font color="{RATING_COLOURS["red"]}">{esc(formatting.NEGATIVE_EARNINGS)}</font>',
                 st.cell_small)

    def ratios(r: int, dscr: float | None, cover: float | None, negative_earnings: bool) -> list[Any]:
        if negative_earnings:
            extra.append(("SPAN", (2, r), (3, r)))
            return [negative, ""]
        return [_ratio_cell(b, dscr), _ratio_cell(b, cover)]

    low = figure(b, "lowest_forecast_cash")
    dscr, cover = figure(b, "dscr"), figure(b, "interest_cover")
    base_negative = any(f is not None and f.negative_earnings for f in (dscr, cover))
    rows.append([R(st.cell, ("b", "Forecast as given")),
                 _cash_cell(b, low.value if low else None, low.month if low else None),
                 *ratios(1, dscr.value if dscr else None, cover.value if cover else None, base_negative),
                 band_cell(b, an.band)])
    for s in an.stress:
        r = len(rows)
        if not s.applies:
            rows.append([T(s.label, st.cell), R(st.cell_small, ("m", "Does not apply: " + (s.reason or "")))
                         , "", "", ""])
            extra.append(("SPAN", (1, r), (4, r)))
            continue
        label: list[Run | str] = [s.label]
        if s.timing_only:
            label += [("br", ""), ("m", STRESS_TIMING_ONLY)]
        rows.append([R(st.cell, *label), _cash_cell(b, s.lowest_forecast_cash, s.lowest_cash_month),
                     *ratios(r, s.dscr, s.interest_cover, s.negative_earnings), band_cell(b, s.band)])
    widths = [62 * mm, 31 * mm, 17 * mm, 22 * mm]
    out.append(grid(rows, widths + [FRAME_W - sum(widths)], extra=extra))
    if an.cash_line is None and low is not None and low.reason:
        out.append(T(f"Lowest cash is n/a throughout: {low.reason}.", st.muted))
    return out


def loan_sizing_section(b: _Brief) -> list[Flowable]:
    """The Analysis's loan sizing, in the shared sentences; never a figure to borrow when the amount is
    not what holds the case back."""
    st = b.st
    size = b.an.loan_sizing
    out = h2(b, b.pick("Loan sizing", "The size of the loan", "Loan sizing"))
    if size is None:
        out.append(T("No sizing can be worked out: it needs the amount and the term asked.", st.body))
        return out

    def title_of(rule_id: str) -> str:
        return rule_title(b, rule_id)

    block: list[Flowable] = [T(b.pick(
        "The assessment rerun at other amounts and terms, everything else as given: a figure is kept only "
        "where no red finding comes in that the loan's size brings.",
        "Your assessment rerun at other amounts and terms, everything else as you gave it.",
        "The assessment rerun at other amounts and terms, everything else as given: a figure is kept only "
        "where no red finding comes in that the loan's size brings."), st.body_tight)]
    block += bullets(b, sizing_sentences(size, title_of))
    out.append(Keep(block))
    if size.caveats:
        unseen = b.pick("What the sizing cannot see:", "What these figures cannot see:")
        out.append(R(st.body_tight, ("b", unseen)))
        out += bullets(b, [_sentence(caveat_text(c)) for c in size.caveats])
    return out


def _sentence(text: str) -> str:
    return (text[:1].upper() + text[1:]).rstrip(".") + "."


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
    """The Analysis's proposals: the smallest sets of answers that give a better band, best first."""
    st, a = b.st, b.a
    found = b.an.proposals
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
        if not prop.controllable:
            runs += [("br", ""), ("m", "needs a value the borrower cannot simply choose")]
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
        ("Assessed as at", as_of_text(b)),
        ("Generated", b.generated.strftime("%d %B %Y").lstrip("0")),
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
    reasons, more = reason_lines(b)
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
    """The Analysis's key figures beside the limits the rules judge each one by."""
    st = b.st
    rows: list[list[Any]] = [[P("<b>Figure</b>", st.cell), P("<b>This case</b>", st.cell),
                              P("<b>Judged against</b>", st.cell)]]
    for kf in b.an.key_figures:
        value = figure_text(kf)
        if value is None:
            shown = P(f'<font color="#5f6368">n/a: {esc(kf.reason or "not available")}</font>', st.cell_small)
        elif kf.negative_earnings:
            shown = P(f'<font color="{RATING_COLOURS["red"]}"><b>{esc(value)}</b></font>', st.cell_small)
        else:
            shown = T(value + (f" in {kf.month}" if kf.month else ""), st.cell_bold)
        runs: list[Run | str] = []
        for t in kf.thresholds:  # a coloured square, the limit in bold, then what it is about
            if runs:
                runs.append(("br", ""))
            runs += [(RATING_COLOURS.get(t.rating, SEVERITY_COLOURS["blocker"]), "■"), " ",
                     ("b", threshold_text(t))]
            if t.about:
                runs += [" ", ("m", "· " + t.about)]
        if not runs:
            runs = [("m", "shown for information; no rule tests it on its own")]
        rows.append([T(kf.label, st.cell), shown, R(st.cell_small, *runs)])
    return grid(rows, [52 * mm, 36 * mm, FRAME_W - 88 * mm])


def cashflow(b: _Brief) -> list[Flowable]:
    st, an = b.st, b.an
    out = h1(b, b.pick("Cashflow", "Your cashflow", "Cashflow"))
    line = an.cash_line
    low = figure(b, "lowest_forecast_cash")
    if line is None:
        reason = (low.reason if low is not None else None) or "no usable monthly forecast"
        out.append(P(f"No chart can be drawn: {esc(reason)}.", st.body))
        out.append(T(b.pick(
            "Without a monthly forecast the committee cannot see whether repayments are met in the lean "
            "months.",
            "A lender will want a month-by-month forecast for 12 to 36 months, with its assumptions.",
            "Ask the group what a lender cannot see without a monthly forecast."), st.muted))
        out += scenario_table(b)
        out += loan_sizing_section(b)
        return out
    months = list(line.months)
    series = [charts.Series("Forecast as given", line.balances, "#1f4e79")]
    drawn = [s for s in an.stress if s.applies and s.balances is not None and len(s.balances) == len(months)]
    for i, s in enumerate(drawn):
        colour, dash = charts.scenario_style(i)
        series.append(charts.Series(s.label, s.balances or (), colour, dash))
    lowest = (low.month, low.value) if low is not None and low.value is not None and low.month else None
    out.append(P(
        f"Month-end cash from an opening {esc(formatting.money(line.opening_cash))}, after the new loan's "
        f"repayment of {esc(formatting.money(round(line.monthly_repayment, 2)))} a month and without adding "
        f"the loan itself (the engine's conservative reading). One line for each stress scenario that "
        f"changes the forecast; the circle marks the lowest month as given.", st.body))
    out.append(charts.cashflow_chart(months, series, lowest, FRAME_W))
    out.append(Spacer(1, 4))

    out += scenario_table(b)
    out += loan_sizing_section(b)

    out += h2(b, "The forecast month by month")
    rows = [["Month", "Receipts", "Payments", "Loan repayment", "Month-end cash"]]
    neg: list[tuple] = [("FONTNAME", (0, 0), (-1, 0), FONT_BOLD), ("ALIGN", (1, 0), (-1, -1), "RIGHT")]
    for i, (month, rec, pay, rep, bal) in enumerate(
            zip(line.months, line.receipts, line.payments, line.repayments, line.balances), start=1):
        rows.append([
            clean(month),
            formatting.money(rec),
            formatting.money(pay),
            formatting.money(round(rep, 2)),
            formatting.money(round(bal, 2)),
        ])
        if bal < 0:
            neg.append(("TEXTCOLOR", (4, i), (4, i), colors.HexColor(RATING_COLOURS["red"])))
        if lowest is not None and month == lowest[0]:
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
        # The rule's reference lets a credit officer or a trainer check it; a founder needs the area only.
        R(st.finding_meta, b.area_title(f.area) + ("" if b.audience == "founder" else f" · rule {f.id}")),
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
    blocks = [finding_block(b, f) for f in a.findings]
    # The heading and its introduction go with the first finding, never alone at the foot of a page.
    first = list(blocks[0]._content) if isinstance(blocks[0], KeepTogether) else [blocks[0]]
    return [out[0], Keep([*out[1:], *first]), *blocks[1:]]


def conditions(b: _Brief) -> list[Flowable]:
    st = b.st
    out = h1(b, b.pick("Conditions a lender might set", "What a lender may ask of you",
                       "Conditions a lender might set"))
    named = b.an.conditions
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
        whole = R(st.body, ("b", "For the band as a whole:"), " " + b.pick(b.band.lender, b.band.founder))
        out[-1:] = [Keep([out[-1], whole])]  # never alone at the head of a page
    return out


class _StepText(NamedTuple):
    heading: str
    note: str
    items: list[tuple[Run | str, ...]]


STEP_WORDS = {
    "blockers": ("Remove the blockers", "While any of these stands the answer is no, whatever else changes."),
    "unanswered": ("Answer the key questions",
                   "An area with a key question unanswered cannot be rated, and the case stays Incomplete."),
    "red": ("Deal with what is rated red", "Any one of these keeps the case Not ready."),
    "amber": ("Deal with what is rated amber",
              "With nothing red left, these stand between Nearly ready and Ready."),
    "low": ("Also worth putting right",
            "These do not change the band, but a lender's analyst will notice them."),
}


def step_texts(b: _Brief) -> list[_StepText]:
    """The Analysis's action plan, each step in words."""
    out: list[_StepText] = []
    for step in b.an.steps:
        heading, note = STEP_WORDS.get(step.kind, (step.kind.capitalize(), ""))
        items: list[tuple[Run | str, ...]] = [
            (("b", f.title), ("br", ""), f.what_to_do) for f in step.findings]
        for area, missing in step.areas:
            qs = "; ".join(b.label(q) for q in missing) or "its key questions"
            items.append((("b", b.area_title(area) + ":"), f" answer {qs}"))
        out.append(_StepText(heading, note, items))
    return out


def action_plan(b: _Brief) -> list[Flowable]:
    st = b.st
    out = h1(b, b.pick("What would change the answer", "Your action plan", "Action plan"))
    out.append(P(esc(b.pick(
        "What the applicant would need to do, ordered by how much each step moves the band.",
        "Start at the top: the steps are ordered by how much each one moves your band.",
        "The founder's view of the same findings, ordered by how much each step moves the band.")), st.body))
    out += band_moves(b)
    steps = step_texts(b)
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
    offers = b.an.finance_fits
    if not offers:
        out.append(P("None of the kinds of finance lendready knows fits this case as it stands.", st.body))
        return out
    if b.a.band in ("not_ready", "incomplete"):
        out.append(T(b.pick(
            "The kinds of finance that suit a case of this shape. None is on offer while the case is "
            f"{b.band_label}: what holds the band down comes first.",
            f"The kinds of finance that suit an organisation like yours. While your case is {b.band_label}, "
            "a lender is unlikely to offer any of them: the steps of your action plan come first."),
            st.body))
    for p in offers:
        block: list[Flowable] = [T(p.name, st.h3)]
        block.append(R(st.body_tight, ("b", "Why it fits this case:"), " " + p.why))
        block.append(R(st.body_tight, ("b", "Terms:"), " " + p.terms))
        if p.fits:
            block.append(R(st.body_tight, ("b", "Usually suits:"), " " + p.fits))
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
    from lendready.domain.teaching.content import myths

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
        ("Assessed as at", as_of_text(b)),
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
        fresh = section in NEW_PAGE and not (section is cashflow and b.an.cash_line is None)
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
