"""The canvas both PDF documents draw on: reportlab's own, with its hottest pure-Python steps
done faster.

Without reportlab's optional C accelerator, every line of text costs a Python
loop per character to escape it for the content stream, and every position,
size and colour is formatted by a Python function. Here the escaping is one
C-level translation, and each number is formatted by reportlab's own function
once per document (a memo on the canvas). The bytes written are exactly
reportlab's: the same escape table, built the same way, and the same formatter;
only the repetition is gone. Anything out of the ordinary (shaped text, a font
that is not TrueType, CMYK colours) goes through reportlab unchanged.
"""

from __future__ import annotations

from typing import Any

from reportlab.lib.colors import Color
from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase.pdfmetrics import getFont
from reportlab.pdfbase.ttfonts import ShapedStr
from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfgen.textobject import PDFTextObject

# reportlab's own escape table (reportlab.lib.rl_accel): octal for control and
# non-ASCII bytes, a backslash before \ ( and ).
_PDF_ESCAPES = {
    c: ("\\" + format(c, "03o") if c < 32 or c >= 127 else "\\" + chr(c) if chr(c) in "\\()" else chr(c))
    for c in range(256)
}


class _Numbers(dict):
    """reportlab's ``fp_str`` of one number, each formatted once per document."""

    def __missing__(self, value: float) -> str:
        text = self[value] = fp_str(value)
        return text


class _Text(PDFTextObject):
    """reportlab's text object, formatting through the canvas's memo of numbers."""

    def setTextOrigin(self, x: float, y: float) -> None:
        canvas = self._canvas
        if not canvas.bottomup:
            super().setTextOrigin(x, y)
            return
        fp = canvas._lr_numbers
        self._code.append(f"1 0 0 1 {fp[x]} {fp[y]} Tm")
        self._x0 = self._x = x
        self._y0 = self._y = y

    def setFillColor(self, aColor: Any, alpha: Any = None) -> None:
        if type(aColor) is not Color or self._enforceColorSpace:
            super().setFillColor(aColor, alpha)
            return
        fp = self._canvas._lr_numbers
        self._fillColorObj = aColor
        self._code.append(f"{fp[aColor.red]} {fp[aColor.green]} {fp[aColor.blue]} rg")
        if alpha is not None:
            self.setFillAlpha(alpha)
        elif getattr(aColor, "alpha", None) is not None:
            self.setFillAlpha(aColor.alpha)

    def _formatText(self, text: Any) -> str:
        font = getFont(self._fontname)
        if not font._dynamicFont or isinstance(text, ShapedStr):
            return super()._formatText(text)
        canvas = self._canvas
        doc, escape = canvas._doc, canvas._escape
        out = []
        head = None
        for subset, chunk in font.splitString(text, doc):
            if subset != self._curSubset:
                if head is None:
                    fp = canvas._lr_numbers
                    head = f"{fp[self._fontsize]} Tf {fp[self._leading]} TL"
                out.append(f"{font.getSubsetInternalName(subset, doc)} {head}")
                self._curSubset = subset
            out.append(f"({escape(chunk)}) Tj")
        return " ".join(out)


class FastCanvas(Canvas):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._lr_numbers = _Numbers()
        super().__init__(*args, **kwargs)

    def _escape(self, s: Any) -> str:
        if isinstance(s, bytes):  # a TrueType subset's codes: what every line of text is
            return s.decode("latin-1").translate(_PDF_ESCAPES)
        return super()._escape(s)

    def beginText(self, x: float = 0, y: float = 0, direction: Any = None) -> PDFTextObject:
        return _Text(self, x, y, direction=direction)


__all__ = ["FastCanvas"]
