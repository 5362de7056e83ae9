"""Text from outside (a case file, a spreadsheet, a user) made safe to show.

A name or a cell can carry characters that act instead of showing: escape
sequences that recolour a terminal or move its cursor, C1 controls that some
terminals obey, bidirectional overrides that show "Vale" in one place and
"elaV" in another, zero-width characters that make two different names look
alike. Shown raw, they let a file spoof what a reader sees (a fake green
"READY" over the real band). So every renderer passes outside text through one
of two functions here, and each such character is shown as a visible token,
``[U+202E]``, never acted on and never dropped, so the reader sees that the
text holds something odd and exactly what.

Which characters: Unicode's control (Cc) and format (Cf) categories and the
line and paragraph separators (Zl, Zp). Cf holds the bidi embeddings,
overrides, isolates and marks, the zero-width space, joiners and word joiner,
the byte-order mark, the soft hyphen and the invisible operators. Tab and new
line stay as they are where the output is multi-line (a note).
"""

from __future__ import annotations

import re
import sys
import unicodedata

_ACTING = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})
# One pass over ASCII text costs nothing; only text with a character outside
# printable ASCII is walked character by character.
_PLAIN = re.compile(r"[\x20-\x7e]*")


def token(char: str) -> str:
    """How an acting character is shown: ``[U+202E]``."""
    return f"[U+{ord(char):04X}]"


def acting_characters(text: str) -> list[tuple[int, str]]:
    """Every (position, character) in ``text`` that would act rather than show; empty when none."""
    if _PLAIN.fullmatch(text):
        return []
    return [(i, c) for i, c in enumerate(text) if unicodedata.category(c) in _ACTING]


def describe(char: str) -> str:
    """"U+202E (right-to-left override)" for a message that names the character."""
    name = unicodedata.name(char, "")
    if not name and unicodedata.category(char) == "Cc":
        name = "control character"
    return f"U+{ord(char):04X} ({name.lower()})" if name else f"U+{ord(char):04X}"


def _shown(text: str, keep: str) -> str:
    if _PLAIN.fullmatch(text):
        return text
    return "".join(
        token(c) if unicodedata.category(c) in _ACTING and c not in keep else c for c in text
    )


def for_display(text: str, *, multiline: bool = False) -> str:
    """Outside text as a window, a dialog or a PDF shows it: acting characters as visible tokens.

    With ``multiline`` (a note), new lines and tabs are kept as such.
    """
    return _shown(str(text), "\n\t" if multiline else "")


def clipped(text: str, limit: int) -> str:
    """Outside text in a cell or a list row: one line, acting characters as tokens, at most ``limit``
    characters of it, then "…"."""
    one_line = " ".join(str(text).split())
    return for_display(one_line[:limit]) + ("…" if len(one_line) > limit else "")


def for_terminal(text: str) -> str:
    """A whole block of output as a terminal may receive it: new lines and tabs kept, all else visible.

    lendready's own text holds no other control character, so this can run over
    everything written to standard output or standard error.
    """
    return _shown(str(text), "\n\t")


def json_safe(text: str, *, ascii_only: bool = False) -> str:
    r"""JSON text with every acting character inside strings written as a ``\uXXXX`` escape.

    Lossless: a JSON reader gets the same strings back, but a terminal shown the
    JSON never meets the raw character. (JSON itself escapes only C0 controls.)
    With ``ascii_only`` every non-ASCII character is escaped too, for a console
    that cannot encode them (JSON text holds non-ASCII only inside strings).
    """
    if _PLAIN.fullmatch(text):
        return text
    out = []
    for c in text:
        if (ascii_only and ord(c) > 0x7E) or (unicodedata.category(c) in _ACTING and c not in "\n\t"):
            code = ord(c)
            if code > 0xFFFF:  # outside the BMP: a surrogate pair, as JSON writes it
                code -= 0x10000
                out.append(f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}")
            else:
                out.append(f"\\u{code:04x}")
        else:
            out.append(c)
    return "".join(out)


def make_streams_safe() -> None:
    """Never crash on a character the console cannot encode (cp1252 on a Windows redirect).

    A character the standard streams cannot encode is written as a ``\\N{...}``
    escape instead of raising UnicodeEncodeError half-way through the output.
    """
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(errors="backslashreplace")
            except (ValueError, OSError):  # a detached or closed stream: nothing to protect
                pass


def encodes_everything(stream: object) -> bool:
    """Whether ``stream`` can take any character (a UTF encoding)."""
    encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "").replace("_", "")
    return encoding.startswith("utf")
