"""How ratings and severities are named and coloured, wherever they are shown.

One table for the explainer pane, the PDF and any other renderer, so a red on
screen is the same red on paper and colour is never the only cue (each has a word).
"""

from __future__ import annotations

RATING_WORDS = {"green": "Green", "amber": "Amber", "red": "Red", "unknown": "Not yet rated"}
RATING_COLOURS = {"green": "#2e7d32", "amber": "#ef8f00", "red": "#c62828", "unknown": "#607d8b"}
SEVERITY_WORDS = {"blocker": "Blocker", "high": "High", "medium": "Medium", "low": "Low", "info": "Info"}
SEVERITY_COLOURS = {
    "blocker": "#7f0000",
    "high": "#c62828",
    "medium": "#ef8f00",
    "low": "#1565c0",
    "info": "#546e7a",
}
