"""Table cells several sections share: a band, a rating, a figure that is not available."""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.platypus import Paragraph

from lendready.report.context import BriefingContext
from lendready.report.flowables import paragraph, rich
from lendready.report.styles import RATING_COLOURS, esc, text_on


def not_available(style: object) -> Paragraph:
    """A muted "n/a"."""
    return rich(style, ("m", "n/a"))


def band_cell(ctx: BriefingContext, band: str | None) -> Paragraph:
    """A band's label, bold in its colour."""
    if band is None:
        return not_available(ctx.styles.cell)
    info = ctx.knowledge.bands.get(band)
    label = info.label if info else band
    colour = info.colour if info else RATING_COLOURS["unknown"]
    return paragraph(f'<font color="{colour}"><b>{esc(label)}</b></font>', ctx.styles.cell)


def contrast_hex(background: str) -> str:
    """White or near-black, whichever reads better on ``background``."""
    return "#ffffff" if text_on(background) == colors.white else "#1a1a1a"


def rating_cell(ctx: BriefingContext, rating: str) -> Paragraph:
    """A rating as its word on its colour (the word is always there: never colour alone)."""
    fg = contrast_hex(RATING_COLOURS.get(rating, RATING_COLOURS["unknown"]))
    word = ctx.knowledge.vocabulary.rating(rating)
    return paragraph(f'<font color="{fg}"><b>{esc(word)}</b></font>', ctx.styles.cell)


__all__ = ["band_cell", "contrast_hex", "not_available", "rating_cell"]
