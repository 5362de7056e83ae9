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

import operator
from typing import Any

from reportlab.lib.colors import Color
from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase.pdfmetrics import getFont
from reportlab.pdfbase.ttfonts import ShapedStr
from reportlab.pdfgen import canvas as _canvas
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
        fp = canvas._lr_numbers
        code, self._curSubset = subset_runs(canvas, font, text, f"{fp[self._fontsize]} Tf {fp[self._leading]} TL",
                                            self._curSubset)
        return code


def subset_runs(canvas: Any, font: Any, text: str, head: str, current: int) -> tuple[str, int]:
    """reportlab's text operators for ``text`` in a TrueType font: each chunk as ``(…) Tj``, with the
    subset's font set (``head``: its size and leading) wherever the subset changes from ``current``.
    Returns the operators and the subset in use after them."""
    doc, escape = canvas._doc, canvas._escape
    out = []
    for subset, chunk in font.splitString(text, doc):
        if subset != current:
            out.append(f"{font.getSubsetInternalName(subset, doc)} {head}")
            current = subset
        out.append(f"({escape(chunk)}) Tj")
    return " ".join(out), current


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

    _STATE = operator.itemgetter(*Canvas.STATE_ATTRIBUTES)

    def push_state_stack(self) -> None:
        """reportlab's saveState bookkeeping (every flowable drawn saves and restores the state),
        with the attributes read in one C-level step instead of a loop."""
        self.state_stack.append(dict(zip(self.STATE_ATTRIBUTES, self._STATE(self.__dict__))))
        self._extgstate = self._extgstate.pushCopy()

    def transform(self, a: float, b: float, c: float, d: float, e: float, f: float) -> None:
        code = self._code
        if not _canvas.ENABLE_TRACKING or (code and code[-1][-3:] == " cm"):
            super().transform(a, b, c, d, e, f)  # reportlab merges consecutive transforms
            return
        a0, b0, c0, d0, e0, f0 = self._currentMatrix
        self._currentMatrix = (a0 * a + c0 * b, b0 * a + d0 * b,
                               a0 * c + c0 * d, b0 * c + d0 * d,
                               a0 * e + c0 * f + e0, b0 * e + d0 * f + f0)
        fp = self._lr_numbers
        code.append(f"{fp[a]} {fp[b]} {fp[c]} {fp[d]} {fp[e]} {fp[f]} cm")

    def line(self, x1: float, y1: float, x2: float, y2: float) -> None:
        fp = self._lr_numbers
        self._code.append(f"n {fp[x1]} {fp[y1]} m {fp[x2]} {fp[y2]} l S")

    def rect(self, x: float, y: float, width: float, height: float, stroke: int = 1, fill: int = 0) -> None:
        fp = self._lr_numbers
        self._code.append(f"n {fp[x]} {fp[y]} {fp[width]} {fp[height]} re "
                          + _canvas.PATH_OPS[stroke, fill, self._fillMode])

    def setLineWidth(self, width: float) -> None:
        self._lineWidth = width
        self._code.append(f"{self._lr_numbers[width]} w")

    def _rgb(self, colour: Any, alpha: Any, operator: str, attr: str, fallback: Any, set_alpha: Any) -> None:
        """An RGB fill or stroke colour with the memoised numbers; anything else goes to reportlab."""
        if type(colour) is not Color or self._enforceColorSpace:
            fallback(colour, alpha)
            return
        fp = self._lr_numbers
        setattr(self, attr, colour)
        self._code.append(f"{fp[colour.red]} {fp[colour.green]} {fp[colour.blue]} {operator}")
        if alpha is not None:
            set_alpha(alpha)
        elif getattr(colour, "alpha", None) is not None:
            set_alpha(colour.alpha)

    def setFillColor(self, aColor: Any, alpha: Any = None) -> None:
        self._rgb(aColor, alpha, "rg", "_fillColorObj", super().setFillColor, self.setFillAlpha)

    def setStrokeColor(self, aColor: Any, alpha: Any = None) -> None:
        self._rgb(aColor, alpha, "RG", "_strokeColorObj", super().setStrokeColor, self.setStrokeAlpha)


class PagedCanvas:
    """A canvas that holds its pages back until the end, so each page's furniture (header and
    footer) can say "page 3 of 9". Bookmarks are held with their page too: a bookmark names the
    page being written, which exists only once the held pages are written out.

    Mixed in before a canvas class (``class C(PagedCanvas, FastCanvas)``). Subclasses draw the
    furniture in ``_furniture(total)`` and set ``date_stamp``, the PDF date string the document's
    dates are written with.
    """

    date_stamp = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        self.setDateFormatter(lambda *_: self.date_stamp)
        self._deferred: list[dict[str, Any]] = []
        self._bookmarks: list[tuple[str, dict[str, Any]]] = []

    def bookmarkPage(self, key: str, **kwargs: Any) -> None:  # type: ignore[override]
        self._bookmarks.append((key, kwargs))

    def showPage(self) -> None:
        self._deferred.append(dict(self.__dict__))
        self._bookmarks = []
        self._startPage()

    def save(self) -> None:
        total = len(self._deferred)
        for state in self._deferred:
            self.__dict__.update(state)
            for key, kwargs in state["_bookmarks"]:
                Canvas.bookmarkPage(self, key, **kwargs)
            self._furniture(total)
            Canvas.showPage(self)
        Canvas.save(self)

    def _furniture(self, total: int) -> None:
        raise NotImplementedError


__all__ = ["FastCanvas", "PagedCanvas", "subset_runs"]
