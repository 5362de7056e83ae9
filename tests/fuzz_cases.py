"""Hypothesis strategies that write ``*.lendready`` case files as BYTES, good and bad, plus the oracle.

Shared by ``tests/domain/test_fuzz_end_to_end.py`` (a bounded run inside ``make test``) and
``bench/fuzz.py`` (the long run). Every strategy draws a :class:`FuzzInput`: the bytes, the
category they exercise, and what the loader must do with them:

* ``"load"``: the file must open;
* ``"refuse"``: the file must be refused with a :class:`CaseFileError` whose message holds every
  string in ``reason`` (the named problem, and the field or question where there is one);
* ``"either"``: opening or a named refusal are both right (random junk, stacked damage).

:func:`check_loader` and :func:`check_pipeline` are the oracle: nothing but ``CaseFileError`` may
escape the loader, and a loaded case must go through ``assess`` (every audience), the JSON output,
the text report and the explainer HTML without raising, deterministically, with user text escaped.

Big inputs (5 MB and more, 10,000 levels of nesting) are built from a drawn size, never drawn
character by character, so hypothesis stays fast.
"""

from __future__ import annotations

import contextlib
import html
import json
import os
import signal
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

from hypothesis import strategies as st

REPO = Path(__file__).resolve().parents[1]
RESOURCES = REPO / "resources"
SAMPLES = RESOURCES / "samples"

MB = 1024 * 1024
TOKEN = "@@LRFUZZ-TOKEN@@"


def examples(default: int) -> int:
    """How many cheap examples a run draws: ``LENDREADY_FUZZ_EXAMPLES`` if set, else ``default``."""
    text = os.environ.get("LENDREADY_FUZZ_EXAMPLES", "").strip()
    return max(1, int(text)) if text else default


class FuzzInput(NamedTuple):
    category: str
    raw: bytes
    expect: str  # "load", "refuse" or "either"
    reason: tuple[str, ...] = ()

    def __repr__(self) -> str:  # a 5 MB file must not flood a failure report
        dump = os.environ.get("LENDREADY_FUZZ_DUMP")  # a folder: failing inputs are written there in full
        if dump:
            import hashlib

            name = hashlib.sha256(self.raw).hexdigest()[:16] + ".lendready"
            Path(dump).mkdir(parents=True, exist_ok=True)
            (Path(dump) / name).write_bytes(self.raw)
        shown = self.raw if len(self.raw) <= 300 else self.raw[:300] + b"...(%d bytes)" % len(self.raw)
        return f"FuzzInput({self.category!r}, {shown!r}, expect={self.expect!r}, reason={self.reason!r})"


# ---------------------------------------------------------------------------
# The shipped material the valid cases are mutated from


_CACHE: dict[str, Any] = {}


def knowledge() -> Any:
    if "k" not in _CACHE:
        from lendready.domain.engine.knowledge import load

        _CACHE["k"] = load(RESOURCES)
    return _CACHE["k"]


def sample_docs() -> list[dict[str, Any]]:
    if "samples" not in _CACHE:
        _CACHE["samples"] = [
            json.loads(p.read_text(encoding="utf-8")) for p in sorted(SAMPLES.glob("*.lendready"))
        ]
    return _CACHE["samples"]


def questions() -> list[tuple[str, str]]:
    """(question id, type) for every question, in questionnaire order."""
    return [(q.id, q.type) for q in knowledge().questionnaire.questions.values()]


def _ids_of(*types: str) -> list[str]:
    return [qid for qid, t in questions() if t in types]


def _copy(doc: dict[str, Any]) -> dict[str, Any]:
    return json.loads(json.dumps(doc))


# ---------------------------------------------------------------------------
# Values


# Pieces of markup and awkward characters a renderer must show literally.
MARKUP = (
    "<b>", "</b>", "<i>", "<para>", "</para>", "<br/>", "<font color='red'>", "</font>", "<script>alert(1)</script>",
    "&amp;", "&", "&lt;", "&#x41;", "]]>", "<![CDATA[", "<!-- x -->", "<lrfuzz>", "<a href='http://x'>x</a>",
    "**bold**", "_em_", "# Heading", "[link](http://example.com)", "`code`", "| a | b |",
    "{org.name}", "{param.dscr_min}", "{", "}", "%s", "%(x)s", '"', "'", "\\", "/",
)
AWKWARD = (
    "\u202e", "\u200f", "\u202b", "\u2066", "\u200b", "\ufeff", "\u2028", "\u2029", "\u00a0",
    "\x00", "\x07", "\x08", "\x1b[31m", "\x1b[2J", "\t", "\n", "\r", "\x7f", "\x85", "\ufffd", "\uffff",
    "Ŵyr", "£", "€", "ß", "日本語", "עברית", "العربية", "😀", "👩🏽‍🌾", "\U0010fffd", "e\u0301", " ", "   ",
)
# Markup that the renderers never write themselves: finding it raw in their output means user text leaked.
LEAK_MARKERS = ("<para", "<script", "<font", "<lrfuzz", "]]>", "<![CDATA[", "<!--", "<a href='http")

user_text = st.one_of(
    st.text(max_size=40),
    st.lists(st.sampled_from(MARKUP + AWKWARD) | st.text(max_size=6), max_size=12).map("".join),
    st.builds(lambda a, b: f"{a}<b>{b}</b> & Co <lrfuzz>", st.text(max_size=10), st.text(max_size=10)),
    st.sampled_from(["", " ", "A & B <Ltd>", "<b>Bold Co-op</b>", "]]></para><para>", "x" * 201, "y" * 2001,
                     "co\xadop\xader\xadative", "\xad".join(["y" * 3] * 700)]),
)

TINY_AND_HUGE = (
    0, 0.0, -0.0, 1, -1, 5e-324, 1e-320, 2.2250738585072014e-308, 1e-300, 1e-20, 1e-12, 0.005, 0.015, 1.005,
    0.5, 12.5, 25, 25.000001, 100, 100.5, 360, 361, 365, 600, 10**15, -(10**15), 1e15, -1e15, 999_999_999_999_999.9,
    123_456_789.125, 2**49, 3.0, 7.5,
)
number_ok = st.one_of(
    st.sampled_from(TINY_AND_HUGE),
    st.integers(-(10**15), 10**15),
    st.integers(-1000, 1000),
    st.floats(-1e15, 1e15, allow_nan=False, allow_infinity=False),
    st.floats(-1e-300, 1e-300, allow_nan=False, allow_infinity=False),
)
# JSON that is never right for any question type (strings are wrong for numbers, numbers for text).
wrong_scalar = st.one_of(st.none(), st.booleans(), st.just([]), st.just({}), st.lists(st.integers(), max_size=3),
                         st.dictionaries(st.text(max_size=4), st.integers(), max_size=2))
number_too_big = st.sampled_from([10**16, -(10**16), 1e16, 1e300, -1e300, 10**400, 1.7976931348623157e308])

json_scalar = st.none() | st.booleans() | st.integers(-(10**20), 10**20) | st.floats(allow_nan=False,
                                                                                     allow_infinity=False) | user_text
json_value = st.recursive(
    json_scalar,
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=10), children, max_size=5),
    max_leaves=25,
)

MONTHS = [f"{y}-{m:02d}" for y in (2026, 2027, 2028, 2029) for m in range(1, 13)]


@st.composite
def forecast_rows(draw: Any) -> list[Any]:
    """A forecast table, usually well formed, sometimes the wrong length, order or content."""
    start = draw(st.integers(0, len(MONTHS) - 1))
    count = draw(st.sampled_from([0, 1, 2, 11, 12, 13, 24, 36, 37]) | st.integers(0, 40))
    rows = []
    for i in range(count):
        month = MONTHS[(start + i) % len(MONTHS)]
        rows.append({"month": month, "receipts": draw(number_ok), "payments": draw(number_ok)})
    if rows and draw(st.booleans()):
        i = draw(st.integers(0, len(rows) - 1))
        rows[i]["month"] = draw(st.sampled_from(["2027-13", "2027-00", "1899-12", "27-01", "", "2027-1"]) | user_text)
    if rows and draw(st.booleans()):
        rows[draw(st.integers(0, len(rows) - 1))][draw(user_text)] = draw(json_scalar)  # an extra key in a row
    if len(rows) > 1 and draw(st.booleans()):
        rows.reverse()
    return rows


@st.composite
def forecast_wrong(draw: Any) -> tuple[Any, str]:
    """A forecast of the wrong *type* and the words the refusal must use."""
    rows = [{"month": m, "receipts": 1000, "payments": 900} for m in MONTHS[:12]]
    kind = draw(st.sampled_from(["not_list", "row", "month", "receipts", "payments", "too_big"]))
    i = draw(st.integers(0, 11))
    if kind == "not_list":
        return draw(wrong_scalar.filter(lambda v: not isinstance(v, list)) | user_text | number_ok), "fin.forecast"
    if kind == "row":
        rows[i] = draw(wrong_scalar.filter(lambda v: not isinstance(v, dict)) | user_text | number_ok)
        return rows, f"row {i + 1}"
    if kind == "month":
        rows[i]["month"] = draw(wrong_scalar | number_ok)
        return rows, f"row {i + 1}"
    if kind == "too_big":
        rows[i]["payments"] = draw(number_too_big)
        return rows, f"row {i + 1}"
    rows[i][kind] = draw(wrong_scalar | user_text)
    if rows[i][kind] is None and draw(st.booleans()):
        del rows[i][kind]
    return rows, f"row {i + 1}"


def right_type(qtype: str, choices: tuple[str, ...]) -> st.SearchStrategy[Any]:
    """A value of the right JSON type: the file must load (a broken constraint is kept as invalid)."""
    if qtype in ("integer", "number", "amount", "percent"):
        return number_ok
    if qtype == "text":
        return user_text
    if qtype in ("choice", "yesno"):
        return st.sampled_from(choices) | st.sampled_from(["", "YES", "maybe", "other"]) | user_text
    if qtype == "date":
        return st.sampled_from(["2026-03-31", "2027-02-29", "2024-02-29", "2026-13-01", "31/03/2026", ""]) | st.dates(
        ).map(str) | user_text
    if qtype == "month":
        return st.sampled_from(MONTHS + ["2027-13", "2027-00", "1899-12", "2027-1", ""]) | user_text
    if qtype == "table":
        return forecast_rows()
    raise AssertionError(qtype)


def wrong_type(qtype: str) -> st.SearchStrategy[Any]:
    """A value of the wrong JSON type for the question: the file must be refused, naming it."""
    if qtype in ("integer", "number", "amount", "percent"):
        return wrong_scalar | user_text | number_too_big
    if qtype == "table":
        return forecast_wrong().map(lambda pair: pair[0])
    return wrong_scalar | number_ok


def _choices(qid: str) -> tuple[str, ...]:
    return knowledge().questionnaire.questions[qid].choice_values or ("x",)


def _encode(doc: Any, draw: Any) -> bytes:
    style = draw(st.sampled_from(["compact", "indent", "ascii"]))
    if style == "compact":
        text = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
    elif style == "indent":
        text = json.dumps(doc, ensure_ascii=False, indent=2)
    else:
        text = json.dumps(doc)
    return text.encode("utf-8")


def _base(draw: Any) -> dict[str, Any]:
    return _copy(draw(st.sampled_from(sample_docs())))


# ---------------------------------------------------------------------------
# Categories


@st.composite
def mutated_sample(draw: Any) -> FuzzInput:
    """A shipped sample with answers changed: right types must load, a wrong type must be refused by name."""
    doc = _base(draw)
    answers = doc["answers"]
    qs = questions()
    wrong: list[str] = []
    for _ in range(draw(st.integers(0, 6))):
        qid, qtype = draw(st.sampled_from(qs))
        if draw(st.integers(0, 9)) == 0:
            answers.pop(qid, None)
            if qid in wrong:
                wrong.remove(qid)
            continue
        if draw(st.integers(0, 5)) == 0:
            answers[qid] = draw(wrong_type(qtype))
            if qid not in wrong:
                wrong.append(qid)
        else:
            answers[qid] = draw(right_type(qtype, _choices(qid)))
            if qid in wrong:
                wrong.remove(qid)
    if draw(st.booleans()):
        doc["prepared_by"] = draw(st.sampled_from(["lender", "founder", "trainer"]))
    if draw(st.integers(0, 3)) == 0:
        doc["notes"] = draw(st.dictionaries(st.sampled_from([q for q, _ in qs]) | user_text, user_text, max_size=4))
    if draw(st.integers(0, 4)) == 0:  # shuffle the answers: order must not matter
        items = list(answers.items())
        draw(st.randoms(use_true_random=False)).shuffle(items)
        doc["answers"] = dict(items)
    raw = _encode(doc, draw)
    if wrong:
        # The loader checks answers in file order and names the first wrong one.
        first = next(q for q in doc["answers"] if q in wrong)
        return FuzzInput("wrong_type" if len(wrong) == 1 else "wrong_types", raw, "refuse", (first, "wrong type"))
    return FuzzInput("mutated_sample", raw, "load")


@st.composite
def markup_text(draw: Any) -> FuzzInput:
    """Markup, control characters and right-to-left marks in every free-text place: must load."""
    doc = _base(draw)
    for qid in _ids_of("text"):
        if draw(st.booleans()):
            doc["answers"][qid] = draw(user_text)
    doc["answers"]["org.name"] = draw(st.sampled_from(MARKUP + AWKWARD)) + draw(user_text)[:150]
    doc["notes"] = {qid: draw(user_text) for qid in draw(st.lists(st.sampled_from(_ids_of(
        "text", "amount", "yesno")), max_size=4))}
    return FuzzInput("markup_text", _encode(doc, draw), "load")


NON_FINITE = ("NaN", "Infinity", "-Infinity", "1e400", "-1e400", "1E999", "-2.5e+308")
TOO_BIG = ("1e16", "-1e16", "100000000000000000000", "1.7976931348623157e308", "-" + "9" * 30)
FINE = ("1e-400", "-0", "-0.0", "5e-324", "1E+15", "1.0e2", "0.000", "1e15", "999999999999999")


@st.composite
def number_tokens(draw: Any) -> FuzzInput:
    """NaN, Infinity, overflowing and underflowing numbers written as raw JSON tokens."""
    doc = _base(draw)
    token = draw(st.sampled_from(NON_FINITE + TOO_BIG + FINE + ("1" + "0" * 5000,)))
    where = draw(st.sampled_from(["answer", "row", "unknown_answer", "unknown_field", "format_version"]))
    numeric = _ids_of("integer", "number", "amount", "percent")
    if where == "answer":
        field = draw(st.sampled_from(numeric))
        doc["answers"][field] = TOKEN
    elif where == "row":
        field = "fin.forecast"
        doc["answers"][field] = [{"month": m, "receipts": 1000, "payments": 900} for m in MONTHS[:12]]
        doc["answers"][field][draw(st.integers(0, 11))][draw(st.sampled_from(["receipts", "payments"]))] = TOKEN
    elif where == "unknown_answer":
        field = "zz.future_question"
        doc["answers"][field] = {"value": [TOKEN]}
    elif where == "unknown_field":
        field = "future_field"
        doc[field] = [1, {"deep": TOKEN}]
    else:
        field = "format_version"
        doc[field] = TOKEN
    raw = _encode(doc, draw).replace(json.dumps(TOKEN).encode(), token.encode())
    if len(token) > 1000:  # more digits than Python converts: a named refusal, the field not required
        return FuzzInput("number_tokens", raw, "refuse", ())
    if field == "format_version":
        if token in FINE and token.lstrip("-") in ("0", "999999999999999"):
            return FuzzInput("number_tokens", raw, "refuse", ("format version",) if token != "-0" else ())
        return FuzzInput("number_tokens", raw, "refuse", ())
    if token in NON_FINITE:
        return FuzzInput("number_tokens", raw, "refuse", (field,))
    if token in TOO_BIG and where in ("answer", "row"):
        return FuzzInput("number_tokens", raw, "refuse", (field,))
    return FuzzInput("number_tokens", raw, "load")


@st.composite
def raw_json(draw: Any) -> FuzzInput:
    """Random JSON: as the whole file, or as the value of each top-level field of a case."""
    if draw(st.booleans()):
        return FuzzInput("raw_json", json.dumps(draw(json_value)).encode(), "either")
    doc: dict[str, Any] = {"format": "lendready-case", "format_version": 1}
    for name in ("case_id", "created", "modified", "prepared_by", "answers", "notes"):
        if draw(st.booleans()):
            doc[name] = draw(json_value)
    if draw(st.booleans()):
        doc["answers"] = draw(st.dictionaries(st.sampled_from([q for q, _ in questions()]) | st.text(max_size=8),
                                              json_value, max_size=12))
    return FuzzInput("raw_json", json.dumps(doc).encode(), "either")


@st.composite
def deep_nesting(draw: Any) -> FuzzInput:
    """Nesting from just past the limit to a hundred thousand levels, closed or not, anywhere."""
    depth = draw(st.sampled_from([65, 66, 100, 1000, 10_000, 100_000]) | st.integers(65, 20_000))
    opener, closer = draw(st.sampled_from([("[", "]"), ('{"a":', "}"), ('{"a":[', "]}")]))
    closed = draw(st.booleans())
    inner = (opener * depth + "1" + closer * depth) if closed else opener * depth
    where = draw(st.sampled_from(["root", "answer", "field", "note"]))
    if where == "root":
        return FuzzInput("deep_nesting", inner.encode(), "refuse")
    doc = _base(draw)
    key = {"answer": "zz.nested", "field": "nested", "note": "notes"}[where]
    target = doc["answers"] if where == "answer" else doc
    target[key] = TOKEN
    raw = _encode(doc, draw).replace(json.dumps(TOKEN).encode(), inner.encode())
    return FuzzInput("deep_nesting", raw, "refuse", ("nested too deeply",) if closed else ())


@st.composite
def shallow_nesting(draw: Any) -> FuzzInput:
    """Nesting within the limit, in a field lendready keeps: must load."""
    depth = draw(st.integers(1, 60))
    doc = _base(draw)
    doc["answers"]["zz.nested"] = TOKEN
    raw = _encode(doc, draw).replace(json.dumps(TOKEN).encode(), ("[" * depth + "1" + "]" * depth).encode())
    return FuzzInput("shallow_nesting", raw, "load")


@st.composite
def huge_file(draw: Any) -> FuzzInput:
    """Over 5 MB (a long value, or whitespace padding): refused before parsing. Just under: must load."""
    over = draw(st.booleans())
    size = 5 * MB + draw(st.integers(1, MB)) if over else 5 * MB - draw(st.integers(2000, 200_000))
    doc = _base(draw)
    how = draw(st.sampled_from(["unknown_field", "padding", "note", "unknown_answer"]))
    body = json.dumps(doc, separators=(",", ":")).encode()
    fill = size - len(body)
    if how == "padding":
        raw = body[:-1] + b" " * fill + b"}"
    else:
        chunk = draw(st.sampled_from(["x", "é", "<b>", "\\n"]))
        n = (fill - 40) // len(chunk.encode())
        if how == "note":
            doc["notes"] = {"org.name": TOKEN}
        elif how == "unknown_answer":
            doc["answers"]["zz.big"] = TOKEN
        else:
            doc["big"] = TOKEN
        text = json.dumps(doc, separators=(",", ":"), ensure_ascii=False)
        raw = text.replace(json.dumps(TOKEN), '"' + chunk * n + '"').encode()
        raw += b" " * max(0, size - len(raw))
    if over:
        return FuzzInput("huge_file", raw, "refuse", ("5 MB",))
    return FuzzInput("huge_file_under", raw, "load")


@st.composite
def encodings(draw: Any) -> FuzzInput:
    """Byte-order marks, UTF-16/32, Latin-1 and stray bytes: only UTF-8 (with or without a BOM) opens."""
    doc = _base(draw)
    doc["answers"]["org.name"] = draw(st.sampled_from(["Cwmni Ŵyr Cyf", "Café £ Co-op", "Plain Ltd"]))
    text = json.dumps(doc, ensure_ascii=False)
    kind = draw(st.sampled_from(["utf8_bom", "utf16_bom", "utf16le", "utf16be", "utf32", "latin1", "cp1252",
                                 "stray_byte", "truncated_utf8", "overlong", "surrogate_utf8"]))
    if kind == "utf8_bom":
        return FuzzInput("encoding", b"\xef\xbb\xbf" + text.encode(), "load")
    if kind == "utf16_bom":
        return FuzzInput("encoding", text.encode("utf-16"), "refuse", ("UTF-8",))
    if kind == "utf16le":
        return FuzzInput("encoding", text.encode("utf-16-le"), "refuse")  # NULs: not UTF-8, or not JSON
    if kind == "utf16be":
        return FuzzInput("encoding", text.encode("utf-16-be"), "refuse")
    if kind == "utf32":
        return FuzzInput("encoding", text.encode("utf-32"), "refuse", ("UTF-8",))
    if kind in ("latin1", "cp1252"):
        raw = text.encode(kind, errors="replace")
        if raw.isascii():  # nothing outside ASCII: the same bytes as UTF-8
            return FuzzInput("encoding", raw, "load")
        return FuzzInput("encoding", raw, "refuse", ("UTF-8",))
    raw = bytearray(text.encode())
    pos = draw(st.integers(0, len(raw)))
    junk = {"stray_byte": draw(st.sampled_from([b"\xff", b"\xfe", b"\x80", b"\xc0", b"\xf5"])),
            "truncated_utf8": b"\xe2\x82", "overlong": b"\xc0\xaf", "surrogate_utf8": b"\xed\xa0\x80"}[kind]
    raw[pos:pos] = junk
    return FuzzInput("encoding", bytes(raw), "refuse", ("UTF-8",))


@st.composite
def lone_surrogates(draw: Any) -> FuzzInput:
    """A ``\\ud800`` escape is valid JSON but not text: it could never be saved or printed."""
    doc = _base(draw)
    where = draw(st.sampled_from(["answer", "note", "key", "field"]))
    bad = draw(st.sampled_from(["\ud800", "\udfff", "x\udc00y"]))
    if where == "answer":
        doc["answers"]["org.name"] = bad
    elif where == "note":
        doc["notes"] = {"org.name": bad}
    elif where == "key":
        doc["answers"][bad] = 1
    else:
        doc["extra"] = [bad]
    return FuzzInput("lone_surrogate", json.dumps(doc).encode(), "refuse", ("Unicode",))


@st.composite
def duplicate_keys(draw: Any) -> FuzzInput:
    """The same key twice in one object, at the top, among the answers or in a forecast row."""
    doc = _base(draw)
    where = draw(st.sampled_from(["top", "answers", "row", "notes"]))
    if where == "top":
        key = draw(st.sampled_from(["format", "answers", "case_id", "format_version", "zz"]))
        doc.setdefault(key, "v")
    elif where == "answers":
        key = draw(st.sampled_from([q for q, _ in questions()]) | st.text(min_size=1, max_size=10).filter(
            lambda s: s.isprintable()))
        doc["answers"][key] = doc["answers"].get(key, "v")
    elif where == "row":
        key = draw(st.sampled_from(["month", "receipts", "payments"]))
        doc["answers"]["fin.forecast"] = [{"month": m, "receipts": 1, "payments": 1} for m in MONTHS[:12]]
    else:
        key = "org.name"
        doc["notes"] = {key: "first"}
    text = json.dumps(doc)
    k = json.dumps(key)
    if where == "top":
        text = "{" + k + ': "again", ' + text[1:] if draw(st.booleans()) else text[:-1] + ", " + k + ': "again"}'
    elif where == "answers":
        text = text.replace('"answers": {', '"answers": {' + k + ": 1, ", 1)
    elif where == "row":
        text = text.replace('{"month": ', "{" + k + ': 1, "month": ', 1)
    else:
        text = text.replace('"notes": {', '"notes": {' + k + ': "again", ', 1)
    return FuzzInput("duplicate_key", text.encode(), "refuse", ("twice", key))


@st.composite
def unknown_ids(draw: Any) -> FuzzInput:
    """Answers to questions a newer lendready asks, and fields it writes: kept, with a warning."""
    doc = _base(draw)
    ids = draw(st.lists(st.sampled_from(["zz.future", "org.new_field", "fin.forecast_v2", ""]) | user_text,
                        min_size=1, max_size=4, unique=True))
    known = {q for q, _ in questions()}
    for qid in ids:
        if qid not in known:
            doc["answers"][qid] = draw(json_value)
    for name in draw(st.lists(st.sampled_from(["future", "signature", "x-vendor", "attachments"]) | st.text(
            max_size=8), max_size=3, unique=True)):
        if name not in ("format", "format_version", "case_id", "created", "modified", "prepared_by", "answers",
                        "notes"):
            doc[name] = draw(json_value)
    return FuzzInput("unknown_ids", _encode(doc, draw), "load")


@st.composite
def versions(draw: Any) -> FuzzInput:
    """Newer, older, impossible and mistyped format versions."""
    doc = _base(draw)
    version = draw(st.sampled_from([99, 2, 10**30, 1.0, 0, -1, "1", True, None, 1.5, [1]]) | st.integers(2, 10**6))
    doc["format_version"] = version
    if isinstance(version, int) and not isinstance(version, bool) and version > 1:
        return FuzzInput("newer_version", json.dumps(doc).encode(), "refuse", ("newer", "Update lendready"))
    if isinstance(version, int) and not isinstance(version, bool):
        return FuzzInput("old_version", json.dumps(doc).encode(), "refuse", ("format version",))
    return FuzzInput("bad_version", json.dumps(doc).encode(), "refuse", ("format_version",))


@st.composite
def wrong_structure(draw: Any) -> FuzzInput:
    """Top-level fields of the wrong type or value."""
    doc = _base(draw)
    field = draw(st.sampled_from(["format", "case_id", "created", "modified", "prepared_by", "answers", "notes",
                                  "note_value", "missing_format", "missing_version"]))
    if field == "format":
        doc["format"] = draw(st.sampled_from(["lendready", "LENDREADY-CASE", "", 1, None]) | user_text.filter(
            lambda s: s != "lendready-case"))
        reason: tuple[str, ...] = ("format",)
    elif field in ("case_id", "created", "modified"):
        doc[field] = draw(wrong_scalar.filter(lambda v: v is not None) | number_ok | st.none())
        reason = (field,)
    elif field == "prepared_by":
        doc[field] = draw(st.sampled_from(["Lender", "bank", "", 1, None, ["lender"]]) | user_text.filter(
            lambda s: s not in ("lender", "founder", "trainer")))
        reason = ("prepared_by",)
    elif field == "answers":
        doc[field] = draw(st.sampled_from([[], None, "answers", 1, [["org.name", "x"]]]))
        reason = ("answers",)
    elif field == "notes":
        doc[field] = draw(st.sampled_from([[], "note", 1, True]))
        reason = ("notes",)
    elif field == "note_value":
        doc["notes"] = {"org.name": draw(wrong_scalar | number_ok)}
        reason = ("org.name",)
    elif field == "missing_format":
        del doc["format"]
        reason = ("format",)
    else:
        del doc["format_version"]
        reason = ("format_version",)
    return FuzzInput("wrong_structure", json.dumps(doc).encode(), "refuse", reason)


@st.composite
def forecasts(draw: Any) -> FuzzInput:
    """Forecast tables of every shape on a complete sample: of the right type they load."""
    doc = _base(draw)
    if draw(st.integers(0, 3)) == 0:
        value, where = draw(forecast_wrong())
        doc["answers"]["fin.forecast"] = value
        return FuzzInput("forecast_wrong", _encode(doc, draw), "refuse", ("fin.forecast", where))
    doc["answers"]["fin.forecast"] = draw(forecast_rows())
    doc["answers"].setdefault("fin.cash", draw(number_ok))
    return FuzzInput("forecast", _encode(doc, draw), "load")


@st.composite
def junk_bytes(draw: Any) -> FuzzInput:
    """Random bytes, and a real case cut short or with bytes flipped."""
    kind = draw(st.sampled_from(["random", "truncated", "flipped", "empty", "prefix"]))
    if kind == "random":
        return FuzzInput("junk_bytes", draw(st.binary(max_size=300)), "either")
    if kind == "empty":
        return FuzzInput("junk_bytes", draw(st.sampled_from([b"", b" ", b"\n", b"\xef\xbb\xbf", b"null", b"{}",
                                                             b"[]", b'""', b"0"])), "refuse")
    raw = bytearray(_encode(_base(draw), draw))
    if kind == "truncated":
        return FuzzInput("junk_bytes", bytes(raw[: draw(st.integers(0, len(raw) - 2))]), "refuse")
    if kind == "prefix":
        return FuzzInput("junk_bytes", draw(st.sampled_from([b"\x00", b"PK\x03\x04", b"%PDF-1.7\n", b"<?xml?>",
                                                             b"//", b"#!"])) + bytes(raw), "refuse")
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(raw) - 1))
        raw[i] = draw(st.integers(0, 255))
    return FuzzInput("junk_bytes", bytes(raw), "either")


@st.composite
def stacked(draw: Any) -> FuzzInput:
    """Several kinds of damage at once: any named refusal, or a load, is right."""
    doc = _base(draw)
    for _ in range(draw(st.integers(1, 5))):
        qid, qtype = draw(st.sampled_from(questions()))
        doc["answers"][qid] = draw(json_value | right_type(qtype, _choices(qid)) | wrong_type(qtype))
    if draw(st.booleans()):
        doc[draw(st.sampled_from(["prepared_by", "notes", "case_id", "zz"]))] = draw(json_value)
    raw = _encode(doc, draw)
    if draw(st.booleans()):
        raw = b"\xef\xbb\xbf" + raw
    return FuzzInput("stacked", raw, "either")


# Weights: how often each category is drawn. Mutated samples dominate: they reach assess and the renderers.
CATEGORIES: tuple[tuple[Any, int], ...] = (
    (mutated_sample, 8),
    (markup_text, 3),
    (forecasts, 3),
    (number_tokens, 2),
    (unknown_ids, 2),
    (raw_json, 2),
    (junk_bytes, 2),
    (stacked, 2),
    (wrong_structure, 1),
    (versions, 1),
    (duplicate_keys, 1),
    (encodings, 1),
    (lone_surrogates, 1),
    (shallow_nesting, 1),
)
# The expensive ones (deep nesting builds up to 100,000 levels; huge files are 5 MB) are drawn rarely.
RARE: tuple[Any, ...] = (deep_nesting, huge_file)


def case_files(rare_weight: int = 0) -> st.SearchStrategy[FuzzInput]:
    """Every category, weighted; ``rare_weight`` > 0 mixes in deep nesting and 5 MB files."""
    branches = [strategy() for strategy, weight in CATEGORIES for _ in range(weight)]
    branches += [strategy() for strategy in RARE for _ in range(rare_weight)]
    return st.one_of(branches)


def rare_files() -> st.SearchStrategy[FuzzInput]:
    return st.one_of(deep_nesting(), huge_file())


# Every audience, the trainer's handout included (tests/report/test_pathological_text.py holds the
# inputs that once crashed or stalled it: over-long words and values, soft hyphens, invalid forecasts).
PDF_AUDIENCES = ("lender", "founder", "trainer")


def pdf_cases() -> st.SearchStrategy[FuzzInput]:
    """Cases that load and carry markup in their text: for the (slow) PDF."""
    return st.one_of(markup_text(), mutated_sample(), forecasts()).filter(lambda f: f.expect == "load")


# ---------------------------------------------------------------------------
# The oracle


class Crash(AssertionError):
    """Something other than a named refusal escaped, or a renderer broke its contract."""


def _message_ok(message: str) -> bool:
    if not message.strip():
        return False
    try:
        message.encode("utf-8")
    except UnicodeEncodeError:
        return False
    # A message is printed on a terminal: it must not carry escape sequences or other control characters.
    return not any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 for c in message)


def check_loader(item: FuzzInput, k: Any) -> Any:
    """The case if it loaded, else None (after checking the refusal names its reason)."""
    from lendready.domain.files.case_file import CaseFileError, parse_case

    try:
        case = parse_case(item.raw, k.questionnaire)
    except CaseFileError as exc:
        message = str(exc)
        if not _message_ok(message):
            raise Crash(f"{item.category}: refusal message unfit to show: {message[:300]!r}") from None
        if len(message) > 2000:
            raise Crash(f"{item.category}: refusal message of {len(message)} characters") from None
        if exc.question is not None and exc.question not in message:
            raise Crash(f"{item.category}: refusal about {exc.question} does not name it: {message!r}") from None
        if item.expect == "load":
            raise Crash(f"{item.category}: should load, was refused: {message!r}") from None
        for word in item.reason:
            shown = word if word.isprintable() else None
            if shown is not None and word not in message:
                raise Crash(f"{item.category}: refusal should mention {word!r}: {message!r}") from None
        return None
    except Crash:
        raise
    except BaseException as exc:  # noqa: BLE001 - the point: nothing else may escape
        if isinstance(exc, KeyboardInterrupt):
            raise
        raise Crash(f"{item.category}: the loader raised {type(exc).__name__}: {exc!s:.300}") from exc
    if item.expect == "refuse":
        raise Crash(f"{item.category}: should be refused {item.reason}, but loaded")
    return case


def user_strings(case: Any) -> list[str]:
    return [v for v in case.answers.values() if isinstance(v, str)] + list(case.notes.values())



@contextlib.contextmanager
def time_limit(seconds: float, error: Callable[[], BaseException]) -> Iterator[None]:
    """Raise ``error()`` when the block runs longer than ``seconds``: a stall fails, it does not hang.

    POSIX only (an interval timer); elsewhere the block runs unguarded.
    """
    if not hasattr(signal, "setitimer"):
        yield
        return

    def expired(*_: object) -> None:
        raise error()

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextlib.contextmanager
def as_crash(what: str) -> Iterator[None]:
    """Any exception escaping the block becomes a Crash naming ``what`` (Crash itself passes through)."""
    try:
        yield
    except Crash:
        raise
    except BaseException as exc:  # noqa: BLE001
        if isinstance(exc, KeyboardInterrupt):
            raise
        raise Crash(f"{what}: {type(exc).__name__}: {exc!s:.300}") from exc

def check_pipeline(case: Any, k: Any, render_html: Any, *, json_output: bool, counts: Counter | None = None,
                   roundtrip: bool = True) -> None:
    """assess (every audience), text report, explainer HTML, optionally the JSON output; all deterministic."""
    from datetime import date

    from lendready.domain.advice import analyse
    from lendready.domain.engine.assessment import AUDIENCES, assess
    from lendready.domain.files.case_file import dumps, parse_case
    from lendready.text_report import render

    as_of = date(2026, 12, 1)
    with as_crash("after loading"):
        results = {aud: assess(case, k, audience=aud, as_of=as_of) for aud in AUDIENCES}
        own = results[case.prepared_by]
        again = assess(case, k, audience=case.prepared_by, as_of=as_of)
        if again.to_dict() != own.to_dict():
            raise Crash("assess is not deterministic")
        json.dumps(own.to_dict(trace=True), allow_nan=False)
        analysis = analyse(case, k, as_of)
        analysis_again = analyse(case, k, as_of)
        if analysis.assessment.to_dict() != own.to_dict():
            raise Crash("analyse and assess disagree on the assessment")
        text = render(analysis, k)
        if text != render(analysis_again, k):
            raise Crash("the text report is not deterministic")
        role = case.prepared_by
        page = render_html(own, role)
        if page != render_html(again, role):
            raise Crash("the explainer HTML is not deterministic")
        for marker in LEAK_MARKERS:
            if marker in page:
                raise Crash(f"user markup {marker!r} reached the explainer HTML unescaped")
        name = own.organisation
        if name and html.escape(name, quote=True) not in page:
            raise Crash(f"the organisation {name!r} is not shown escaped in the explainer")
        if json_output:
            out = analysis.to_json(trace=True)
            json.loads(out)
            if out != analysis_again.to_json(trace=True):
                raise Crash("the JSON output is not deterministic")
            if counts is not None:
                counts["json_output"] += 1
        if roundtrip:
            saved = dumps(case, k.questionnaire).encode("utf-8")
            back = parse_case(saved, k.questionnaire)
            if back.answers != case.answers or back.notes != case.notes or back.extra != case.extra:
                raise Crash("a loaded case does not survive saving and reopening unchanged")


def explainer_renderer(k: Any) -> Any:
    """The explainer pane's HTML renderer (needs a QApplication)."""
    from lendready.ui.explainer_pane import ExplainerPane

    pane = ExplainerPane(k)
    return pane, pane._render


def check_pdf(case: Any, k: Any, audience: str) -> bytes:
    """The PDF briefing: built twice (same bytes), a PDF, the organisation's markup printed literally."""
    import io
    from datetime import datetime, timezone

    from pypdf import PdfReader

    from lendready.report import build_briefing

    when = datetime(2026, 11, 25, 10, 0, tzinfo=timezone.utc)
    with as_crash(f"the PDF ({audience})"):
        pdf = build_briefing(case, k, audience=audience, generated=when)
        if not pdf.startswith(b"%PDF"):
            raise Crash("the briefing is not a PDF")
        if build_briefing(case, k, audience=audience, generated=when) != pdf:
            raise Crash("the briefing is not deterministic")
        name = case.answers.get("org.name")
        if isinstance(name, str) and "<b>" in name and len(name) <= 200 and name.isprintable():
            text = "".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)
            if "<b>" not in text:
                raise Crash(f"the organisation {name!r} did not print literally in the PDF")
    return pdf
