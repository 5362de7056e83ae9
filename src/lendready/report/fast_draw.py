"""Drawing a plain paragraph in one step: reportlab's own content stream, without its general machinery.

Nearly all of a briefing's 500-odd paragraphs are left-aligned text with no
bullet, background, underline, link or image: most of one style, the rest a
bold label or a muted note within the text. For those, reportlab's
``drawOn``/``drawPara`` saves the graphics state twice, builds a text object
and walks its alignment helpers fragment by fragment, at 20 to 60 µs a
paragraph. :func:`draw_plain` writes the same operators directly: save the
state, move to the paragraph, ``BT``, the origin, each line's runs (font and
colour changes, then the text through the canvas's formatting, ``T*`` at the
end of a line), ``ET``, restore.

The bytes are exactly reportlab's: tests/report/test_fast_paths.py builds whole
briefings and handouts both ways and compares them. Anything else returns
False before writing a thing, and reportlab draws it.
"""

from __future__ import annotations

from typing import Any

from reportlab.lib.colors import Color
from reportlab.lib.enums import TA_LEFT
from reportlab.pdfbase.pdfmetrics import getFont, stringWidth
from reportlab.pdfgen.canvas import PATH_OPS
from reportlab.platypus.paragraph import Paragraph, _drawBullet, _nbspCount, _wsc_end_search
from reportlab.rl_config import paraFontSizeHeightOffset

from lendready.report.pdfcanvas import FastCanvas, subset_runs


def _plain_layout(para: Paragraph, canvas: Any) -> Any:
    """The paragraph's broken lines if it is laid out plainly enough to draw here, else None."""
    bl = para.__dict__.get("blPara")
    if bl is None or not isinstance(canvas, FastCanvas) or not canvas.bottomup or canvas._enforceColorSpace:
        return None
    style = para.style
    if (style.alignment != TA_LEFT or style.backColor or getattr(style, "borderWidth", None)
            or style.firstLineIndent or style.wordWrap or style.endDots or getattr(style, "shaping", 0)
            or para.debug or (para.bulletText and not _plain_bullet(para, canvas))
            or "_offsets" in para.__dict__ or getattr(para, "_showBoundary", None)
            or getattr(para, "autoLeading", getattr(style, "autoLeading", "")) in ("max", "min")
            or "preformatted" in type(para).__name__.lower()):
        return None
    return bl


def _plain_bullet(para: Paragraph, canvas: Any) -> bool:
    """A bullet given as text, in a colour at the current opacity (so drawing it changes no state)."""
    style = para.style
    colour = getattr(style, "bulletColor", style.textColor)
    return isinstance(para.bulletText, str) and type(colour) is Color and colour.alpha == _fill_opacity(canvas)


def _fill_opacity(canvas: Any) -> Any:
    """The fill opacity the canvas's graphics state holds now (setFillColor writes one only on a change)."""
    state = canvas._extgstate
    return state._d.get("ca", state.defaults["ca"])


def _draw_bullet(para: Paragraph, canvas: Any, top: float, out: list[str]) -> float:
    """reportlab's own bullet drawing, into ``out``; the first line's offset after the bullet."""
    code, canvas._code = canvas._code, out
    try:
        return _drawBullet(canvas, 0, top, para.bulletText, para.style, rtl=False)
    finally:
        canvas._code = code


def _move(fp: Any, dx: float) -> str:
    """The text cursor move reportlab's setXPos writes."""
    return f"{fp[dx]} 0 Td"


def draw_plain(para: Paragraph, canvas: Any, x: float, y: float, sW: float = 0) -> bool:
    """``para.drawOn(canvas, x, y, sW)`` as reportlab would do it, if ``para`` is a plain one (see the
    module note); False, having drawn nothing, otherwise."""
    bl = _plain_layout(para, canvas)
    if bl is None:
        return False
    saved = canvas._currentMatrix, canvas._fillColorObj, canvas._extgstate
    if bl.kind == 0:
        if bl.__dict__.get("us_lines") or bl.__dict__.get("link") or not getFont(bl.fontName)._dynamicFont:
            return False
        body = _one_style(para, bl, canvas) if bl.lines else []
    elif bl.kind == 1:
        body = _mixed_styles(para, bl, canvas)
        if body is None:
            return False
    else:
        return False
    # Flowable.drawOn saves the state and moves to the paragraph; drawPara saves it again and
    # draws. Only the matrix (and, for a single style, the fill colour) change in between, and
    # the two restores put them back.
    code = canvas._code
    code.append("q")
    canvas.translate(para._hAlignAdjust(x, sW), y)
    code += body
    code.append("Q")
    canvas._currentMatrix, canvas._fillColorObj, canvas._extgstate = saved
    return True


def _opacity_set(canvas: Any, colour: Any) -> bool:
    """True when ``colour`` is RGB and already at the current fill opacity: setting it then writes only
    the colour (after noting, as reportlab does, that the document uses transparency)."""
    if type(colour) is not Color or colour.alpha != _fill_opacity(canvas):
        return False
    canvas._doc.ensureMinPdfVersion("transparency")
    return True


def _one_style(para: Paragraph, bl: Any, canvas: Any) -> list[str]:
    """The inside of drawPara for one style (kind 0): the colour on the canvas, then the text."""
    colour = bl.textColor
    fp = canvas._lr_numbers
    out = ["q"]
    style = para.style
    size = bl.fontSize
    top = para.height - (size if paraFontSizeHeightOffset else getattr(bl, "ascent", size))
    offset = _draw_bullet(para, canvas, top, out) if para.bulletText else 0
    if _opacity_set(canvas, colour):
        out.append(f"{fp[colour.red]} {fp[colour.green]} {fp[colour.blue]} rg")
    else:  # reportlab's own setter, on a copy of the state dictionary that the restore drops
        canvas._extgstate = canvas._extgstate.pushCopy()
        code, canvas._code = canvas._code, out
        try:
            canvas.setFillColor(colour)
        finally:
            canvas._code = code
    font = getFont(bl.fontName)
    head = f"{fp[size]} Tf {fp[style.leading]} TL"
    text = ["BT", f"1 0 0 1 {fp[style.leftIndent]} {fp[top]} Tm"]
    add = text.append
    current = -1  # the subset in use: none yet in this text object
    for extra, words in bl.lines:
        line = " ".join(words)
        spaced = False
        moved = offset > 1e-6 or offset < -1e-6  # the first line starts after the bullet
        if moved:
            add(_move(fp, offset))
        if extra <= -1e-8:  # a line squeezed by space shrinkage: reportlab narrows its spaces
            gaps = len(words) + _nbspCount(line) - 1
            if gaps > 0:
                add(f"{fp[extra / float(gaps)]} Tw")
                spaced = True
        runs, current = subset_runs(canvas, font, line, head, current)
        add(runs + " T*")
        if spaced:
            add("0 Tw")
        if moved:
            add(_move(fp, -offset))
            offset = 0
    add("ET")
    out.append(" ".join(text))
    out.append("Q")
    return out


def _mixed_styles(para: Paragraph, bl: Any, canvas: Any) -> list[str] | None:
    """The inside of drawPara for several styles (kind 1), or None when a run needs reportlab: an
    image or callback, a rise, an underline or link, a font that is not TrueType, an opacity."""
    lines = bl.lines
    if not lines:
        return None
    opacity = _fill_opacity(canvas)
    shaded = False
    for line in lines:
        if getattr(line, "preformatted", False):
            return None
        for f in line.words:
            if ("cbDefn" in f.__dict__ or type(f.text) is not str or getattr(f, "rise", 0)
                    or getattr(f, "us_lines", None) or getattr(f, "link", None)
                    or type(f.textColor) is not Color or f.textColor.alpha != opacity
                    or not getFont(f.fontName)._dynamicFont):
                return None
            back = getattr(f, "backColor", None)
            if back is not None:
                if type(back) is not Color or back.alpha != opacity:
                    return None
                shaded = True
    fp = canvas._lr_numbers
    style = para.style
    leading = style.leading
    doc = canvas._doc
    first_size = lines[0].fontSize
    top = para.height - (first_size if paraFontSizeHeightOffset else getattr(lines[0], "ascent", first_size))
    shading: list[str] = []  # the bullet and backgrounds go on the canvas, before the text object
    offset = _draw_bullet(para, canvas, top, shading) if para.bulletText else 0
    text = ["BT", f"1 0 0 1 {fp[style.leftIndent]} {fp[top]} Tm"]
    add = text.append
    font_key: tuple[str, float] | None = None
    font: Any = None
    head = ""
    current = -1  # the subset in use
    colour: Any = None
    first = True
    back_colour: Any = None  # reportlab's XtraState.backColor, backColor_x and backColors
    back_x = 0.0
    backs: list[tuple[float, float, Any]] = []
    y = top
    for line in lines:
        extra = line.extraSpace
        ws = 0.0
        moved = offset > 1e-6 or offset < -1e-6  # the first line starts after the bullet
        if moved:
            add(_move(fp, offset))
        if not extra > -1e-8:  # squeezed: reportlab narrows the spaces (_leftDrawParaLineX)
            gaps = line.wordCount + sum(_nbspCount(w.text) for w in line.words) - 1
            if gaps > 0:
                ws = extra / float(gaps)
                add(f"{fp[ws]} Tw")
        if first:  # _putFragLine sets the leading once, on the first line
            add(f"{fp[leading]} TL")
            first = False
        words = line.words
        last = words[-1]
        x = offset + style.leftIndent
        spaces = 0
        previous: Any = None
        for f in words:
            if shaded:  # where this run starts, and where the one before ended (_putFragLine)
                x_s = x + spaces * ws
                end_x = x_s
                if previous is not None:
                    trailing = _wsc_end_search(previous.text)
                    if trailing:
                        end_x = x_s - stringWidth(trailing.group(), font_key[0], font_key[1])
            key = (f.fontName, f.fontSize)
            if key != font_key:
                font_key = key
                font = getFont(f.fontName)
                head = f"{fp[f.fontSize]} Tf {fp[leading]} TL"
                current = -1
            if colour != f.textColor:
                colour = f.textColor
                add(f"{fp[colour.red]} {fp[colour.green]} {fp[colour.blue]} rg")
                doc.ensureMinPdfVersion("transparency")
            runs, current = subset_runs(canvas, font, f.text, head, current)
            add(runs + (" T*" if f is last else ""))
            if shaded:
                bg = getattr(f, "backColor", None)
                if bg and not back_colour:
                    back_colour, back_x = bg, x_s
                elif back_colour:
                    if not bg:
                        backs.append((back_x, end_x, back_colour))
                        back_colour = None
                    elif f.backColor != back_colour or colour != back_colour:
                        backs.append((back_x, end_x, back_colour))
                        back_colour, back_x = bg, x_s
                x += stringWidth(f.text, f.fontName, f.fontSize)
                spaces += f.text.count(" ") + _nbspCount(f.text)
                previous = f
        if ws:
            add("0 Tw")
        if moved:
            add(_move(fp, -offset))
        offset = 0
        if shaded:
            if back_colour:
                backs.append((back_x, x + (spaces - 1) * ws, back_colour))
            if backs:  # _do_post_text: each background as a rectangle the height of the line
                low = y + first_size - leading
                for x1, x2, c in backs:
                    shading.append(f"{fp[c.red]} {fp[c.green]} {fp[c.blue]} rg")
                    doc.ensureMinPdfVersion("transparency")
                    shading.append(f"n {fp[x1]} {fp[low]} {fp[x2 - x1]} {fp[leading]} re {PATH_OPS[0, 1, canvas._fillMode]}")
                    canvas._fillColorObj = c
                backs = []
                back_colour = None
            y -= leading
    add("ET")
    return ["q", *shading, " ".join(text), "Q"]
