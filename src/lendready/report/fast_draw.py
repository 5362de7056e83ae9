"""Drawing a plain paragraph in one step: reportlab's own content stream, without its general machinery.

Most of a briefing's 500-odd paragraphs are one style, left-aligned, with no
bullet, background, underline or link. For those, reportlab's ``drawPara``
still builds a text object, walks its alignment helpers and merges cursor
moves line by line, at ~20 µs a paragraph. :func:`draw_plain` writes the same
operators directly: save the state, set the fill colour, ``BT``, the origin,
each line through the canvas's text formatting with ``T*``, ``ET``, restore.
The bytes are exactly reportlab's (tests/report/test_fast_paths.py compares
whole documents); anything else returns False and reportlab draws it.
"""

from __future__ import annotations

from typing import Any

from reportlab.lib.colors import Color
from reportlab.lib.enums import TA_LEFT
from reportlab.pdfbase.pdfmetrics import getFont
from reportlab.platypus.paragraph import Paragraph, _nbspCount
from reportlab.rl_config import paraFontSizeHeightOffset

from lendready.report.pdfcanvas import FastCanvas


def draw_plain(para: Paragraph, canvas: Any, x: float, y: float, sW: float = 0) -> bool:
    """``para.drawOn(canvas, x, y, sW)`` as reportlab would do it, if ``para`` is a plain one (see the
    module note); False, having drawn nothing, otherwise."""
    bl = para.__dict__.get("blPara")
    if bl is None or bl.kind != 0 or not isinstance(canvas, FastCanvas) or not canvas.bottomup:
        return False
    style = para.style
    if (style.alignment != TA_LEFT or style.backColor or getattr(style, "borderWidth", None)
            or style.firstLineIndent or style.wordWrap or para.bulletText or para.debug
            or "_offsets" in para.__dict__ or getattr(para, "_showBoundary", None)
            or getattr(para, "autoLeading", getattr(style, "autoLeading", "")) in ("max", "min")
            or bl.__dict__.get("us_lines") or bl.__dict__.get("link")
            or "preformatted" in type(para).__name__.lower()):
        return False
    font = getFont(bl.fontName)
    if not font._dynamicFont:
        return False
    x = para._hAlignAdjust(x, sW)
    code = canvas._code
    fp = canvas._lr_numbers
    # Flowable.drawOn saves the state and moves to the paragraph; drawPara saves it again and
    # sets the fill colour; both restore at the end. In between only the matrix, the fill
    # colour and the graphics-state dictionary change, so those three are put back at the end.
    saved = canvas._currentMatrix, canvas._fillColorObj, canvas._extgstate
    code.append("q")
    canvas.translate(x, y)
    lines = bl.lines
    if lines:
        code.append("q")
        colour = bl.textColor
        state = canvas._extgstate
        if (type(colour) is Color and not canvas._enforceColorSpace
                and colour.alpha == state._d.get("ca", state.defaults["ca"])):
            # What setFillColor writes when the opacity is already the colour's: just the colour.
            code.append(f"{fp[colour.red]} {fp[colour.green]} {fp[colour.blue]} rg")
        else:
            canvas._extgstate = state.pushCopy()
            canvas.setFillColor(colour)
        size = bl.fontSize
        top = para.height - (size if paraFontSizeHeightOffset else getattr(bl, "ascent", size))
        doc = canvas._doc
        escape = canvas._escape
        head = f"{fp[size]} Tf {fp[style.leading]} TL"
        text_code = ["BT", f"1 0 0 1 {fp[style.leftIndent]} {fp[top]} Tm"]
        add = text_code.append
        current = -1  # the subset in use: none yet in this text object
        for extra, words in lines:
            text = " ".join(words)
            spaced = False
            if extra <= -1e-8:  # a line squeezed by space shrinkage: reportlab narrows its spaces
                gaps = len(words) + _nbspCount(text) - 1
                if gaps > 0:
                    add(f"{fp[extra / float(gaps)]} Tw")
                    spaced = True
            out = []
            for subset, chunk in font.splitString(text, doc):
                if subset != current:
                    out.append(f"{font.getSubsetInternalName(subset, doc)} {head}")
                    current = subset
                out.append(f"({escape(chunk)}) Tj")
            add(" ".join(out) + " T*")
            if spaced:
                add("0 Tw")
        add("ET")
        code.append(" ".join(text_code))
        code.append("Q")
    code.append("Q")
    canvas._currentMatrix, canvas._fillColorObj, canvas._extgstate = saved
    return True
