"""The briefing's shortcuts around reportlab give reportlab's own results.

``Para.breakLines`` breaks a one-fragment paragraph itself, and ``P`` builds simple markup
(escaped text, bold, one colour) without the parser; both must give exactly what reportlab
would, including for hostile text (long words, soft hyphens, markup characters), and anything
outside the shortcut must still go to reportlab.
"""

from __future__ import annotations

import copy
from datetime import UTC

import pytest
from reportlab.platypus import Paragraph

from lendready.report import briefing
from lendready.report.briefing import P, R, T, _fast_lines
from lendready.report.styles import styles

TEXTS = [
    "a",
    "  leading and trailing  ",
    "The society's forecast shows cash at the end of every month after the new loan's repayments. " * 6,
    "x" * 500,
    "short " + "y" * 300 + " words after a long one",
    "tabs\tand\nnew lines  and\xa0no-break spaces",
    "soft\xadhy\xadphens in ordinary words",
    "A & B <Ltd> <b>bold</b> &amp;",
    "Ŵyr Ŷnys Cyf — £1,000 · ● ■",
]


def _dump(x: object) -> object:
    if isinstance(x, (list, tuple)):
        return type(x).__name__, [_dump(i) for i in x]
    if hasattr(x, "__dict__"):
        return type(x).__name__, {k: _dump(v) for k, v in vars(x).items()}
    return x


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("width", [12, 60, 180, 480])
@pytest.mark.parametrize("bullet", [None, "•", "12.", "a long bullet label"])
def test_fast_line_breaking_is_reportlabs(text: str, width: float, bullet: str | None) -> None:
    st = styles()
    for style in (st.body, st.cell_small, st.h2, st.finding_body, st.bullet):
        para = T(text, style)
        para.bulletText = bullet
        ours, theirs = copy.copy(para), copy.copy(para)
        ours.frags, theirs.frags = copy.deepcopy(para.frags), copy.deepcopy(para.frags)
        ours_w = [width - style.leftIndent, width - style.leftIndent]
        theirs_w = list(ours_w)
        fast = _fast_lines(ours, ours_w)
        reference = Paragraph.breakLines(theirs, theirs_w)
        if fast is None:  # left to reportlab (a word to split, a soft hyphen)
            assert ours_w == [width - style.leftIndent] * 2  # and the widths left as they were
            continue
        assert _dump(fast) == _dump(reference)
        assert ours._width_max == theirs._width_max
        assert ours_w == theirs_w  # a bullet wider than the indent narrows the first line, as reportlab does


def test_fast_line_breaking_covers_plain_text_and_leaves_the_rest() -> None:
    st = styles()
    assert _fast_lines(T("plain words that fit", st.body), [400, 400]) is not None
    assert _fast_lines(T("z" * 400, st.body), [100, 100]) is None  # splitLongWords: reportlab's
    assert _fast_lines(T("soft\xadhyphen", st.body), [400, 400]) is None
    assert _fast_lines(R(st.body, ("b", "Bold:"), " plain"), [400, 400]) is None  # two fragments


@pytest.mark.parametrize("markup", [
    "plain text",
    "<b>Figure</b>",
    '<font color="#5f6368">n/a: not available</font>',
    '<font color="#c62828"><b>Not ready</b></font>',
    "  spaced\n   out  ",
])
def test_simple_markup_makes_the_parsers_fragments(markup: str) -> None:
    st = styles()
    for style in (st.cell, st.body, st.cover_kicker):
        ours = P(markup, style)
        assert ours.frags is not None and len(ours.frags) == 1
        assert _dump(ours.frags) == _dump(Paragraph(markup, style).frags)


def test_runs_make_the_parsers_fragments() -> None:
    """R's runs, a colour of one's own included, are the fragments their markup gives."""
    st = styles()
    runs = [("#c62828", "■"), " ", ("b", "Red below 1.00"), " ", ("m", "· the floor"), ("br", ""),
            ("#2e7d32", "■"), " plain"]
    markup = ('<font color="#c62828">■</font> <b>Red below 1.00</b> <font color="#5f6368">· the floor</font>'
              '<br/><font color="#2e7d32">■</font> plain')
    for style in (st.cell_small, st.body):
        assert _dump(R(style, *runs).frags) == _dump(Paragraph(markup, style).frags)


@pytest.mark.parametrize("markup", [
    "A &amp; B",  # the parser splits text at entities
    "<b>Bold:</b> plain",
    'a <font color="#5f6368">muted</font>',
    "line<br/>break",
])
def test_richer_markup_is_parsed(markup: str) -> None:
    st = styles()
    assert _dump(P(markup, st.body).frags) == _dump(Paragraph(markup, st.body).frags)


def test_malformed_markup_still_fails_as_reportlab_does() -> None:
    with pytest.raises(ValueError):
        P('<font color="#123456">Ready</b></font>', styles().body)


def test_keep_together_measures_like_reportlabs() -> None:
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import KeepTogether, Spacer

    st = styles()
    content = [T("A heading", st.h3), T("Some words " * 40, st.body), Spacer(1, 3), T("Last", st.body)]
    canv = Canvas(None)
    ours, theirs = briefing.Keep(content), KeepTogether(content)
    ours.canv = theirs.canv = canv
    assert ours.wrap(300, 500) == theirs.wrap(300, 500)
    assert (ours._H, ours._H0) == (theirs._H, theirs._H0)



def test_the_documents_keep_headings_with_their_text_through_keep() -> None:
    """reportlab's constructor puts its own KeepTogether on every document; ours must win, or each
    heading-and-paragraph group deep-copies the frame when it is measured."""
    import io

    from lendready.report import handout

    assert briefing._Doc(io.BytesIO()).keepTogetherClass is briefing.Keep
    assert handout._Doc(io.BytesIO()).keepTogetherClass is briefing.Keep


MIXED_RUNS = [
    (("b", "Why it matters:"), " "),
    (("b", "Term:"),),
    (("b", "Glossary term:"), " a definition that is long enough to wrap over several lines of a narrow column"),
    (("b", "Bold"), "glued to plain text with no space between them"),
    (("b", "ends with a space "), "and plain"),
    ("plain first ", ("b", "then bold"), " then plain again"),
    (("m", "a muted note"), " and more"),
    (("b", "  spaced   label  "), "  tabs\tand\nnew lines  and\xa0no-break spaces  "),
    (("b", "Label:"), " " + "x" * 300),
    (("b", "y" * 300), " after a long bold word"),
    (("b", "Soft:"), " soft\xadhy\xadphens in ordinary words"),
    (("b", "A & B <Ltd>:"), " <b>bold</b> &amp; Ŵyr Ŷnys Cyf — £1,000 · ● ■"),
    (("b", "Line:"), ("br", ""), "after a break"),
    (("br", ""), "a break first, ", ("b", "then bold"), ("br", ""), ("br", ""), " two breaks  ", ("br", "")),
    ("words then a break ", ("br", ""), "   spaces after it", ("m", " muted "), ("br", ""), ("b", "x" * 300)),
    (("m", "■"), " ", ("b", "Red below 1.00"), ("m", " · the committee's floor"), ("br", ""), ("m", "■"), " more"),
]


@pytest.mark.parametrize("runs", MIXED_RUNS)
@pytest.mark.parametrize("width", [12, 60, 180, 480])
@pytest.mark.parametrize("bullet", [None, "•", "12."])
def test_mixed_line_breaking_is_reportlabs(runs: tuple, width: float, bullet: str | None) -> None:
    st = styles()
    for style in (st.body, st.body_tight, st.cell, st.cell_small, st.finding_body, st.glossary, st.bullet):
        for text in (runs, runs + (" " + TEXTS[2],)):
            para = R(style, *text, bullet=bullet)
            ours, theirs = copy.copy(para), copy.copy(para)
            ours.frags, theirs.frags = copy.deepcopy(para.frags), copy.deepcopy(para.frags)
            ours_w = [width - style.leftIndent, width - style.leftIndent]
            theirs_w = list(ours_w)
            fast = briefing._mixed_lines(ours, ours_w)
            reference = Paragraph.breakLines(theirs, theirs_w)
            if fast is None:  # left to reportlab (a word to split, a soft hyphen, a line break)
                continue
            assert _dump(fast) == _dump(reference)
            assert _dump(ours.frags) == _dump(theirs.frags)
            assert ours._width_max == theirs._width_max
            assert ours_w == theirs_w


TAGS = [("Info", "Myth: a mutual cannot give security"), ("Blocker · red", TEXTS[2]), ("Low", "x" * 300),
        ("Amber", "  spaced   title  with\nnew lines "), ("A & B <b>", "Tŷ Coffi & <b>Co</b> \"Ltd\" ΩΩΩ"), ("", "")]


@pytest.mark.parametrize("tag,title", TAGS)
@pytest.mark.parametrize("width", [40, 180, 480])
def test_tagged_line_breaking_is_reportlabs(tag: str, title: str, width: float) -> None:
    st = styles()
    para = briefing.tagged(st.finding_title, "#546e7a", "#ffffff", tag, title)
    ours, theirs = copy.copy(para), copy.copy(para)
    ours.frags, theirs.frags = copy.deepcopy(para.frags), copy.deepcopy(para.frags)
    fast = briefing._mixed_lines(ours, [width, width])
    reference = Paragraph.breakLines(theirs, [width, width])
    if fast is None:  # a word wider than the line goes to reportlab, nothing else
        assert width < 180 or "x" * 300 in title
        return
    assert _dump(fast) == _dump(reference)
    assert _dump(ours.frags) == _dump(theirs.frags)


def test_tags_are_the_parsers_fragments() -> None:
    """Built without the parser, a tag and its title are what the markup gives, to the byte."""
    from reportlab.pdfgen.canvas import Canvas

    st = styles()
    out = []
    for tag, title in TAGS[:4]:
        made = briefing.tagged(st.finding_title, "#c62828", "#ffffff", tag, title)
        parsed = Paragraph(f'<font backColor="#c62828" color="#ffffff" size="8">\xa0{tag}\xa0</font>\xa0 {title}',
                           st.finding_title)
        for para in (made, parsed):
            canv = Canvas(None, invariant=1)
            w, h = para.wrap(300, 1000)
            para.drawOn(canv, 20, 800 - h)
            out.append((w, h, "".join(canv._code)))
    assert out[0::2] == out[1::2]


def test_mixed_line_breaking_covers_labels_and_leaves_the_rest() -> None:
    st = styles()
    assert briefing._mixed_lines(R(st.body, ("b", "Bold:"), " plain"), [400, 400]) is not None
    assert briefing._mixed_lines(R(st.body, ("b", "Bold:"), " " + "z" * 400), [100, 100]) is None
    assert briefing._mixed_lines(R(st.body, ("b", "Bold:"), " soft\xadhyphen"), [400, 400]) is None
    assert briefing._mixed_lines(R(st.body, ("b", "Bold:"), ("br", ""), "x"), [400, 400]) is not None
    assert briefing._mixed_lines(T("one fragment", st.body), [400, 400]) is None


def test_mixed_paragraphs_draw_as_reportlabs() -> None:
    from reportlab.pdfgen.canvas import Canvas

    st = styles()
    out = []
    for fast in (True, False):
        canv = Canvas(None, invariant=1)
        for runs in MIXED_RUNS:
            para = R(st.finding_body, *runs, " " + TEXTS[2])
            if not fast:
                para.breakLines = lambda w, p=para: Paragraph.breakLines(p, w)  # type: ignore[method-assign]
            w, h = para.wrap(300, 1000)
            para.drawOn(canv, 20, 800 - h)
            out.append((w, h))
        out.append(b"".join(x.encode() if isinstance(x, str) else x for x in canv._code))
    assert out[: len(out) // 2] == out[len(out) // 2:]


@pytest.mark.parametrize("case_id", ["vale", "hilltop", "civictech", "harbourside"])
def test_whole_briefings_are_reportlabs_bytes(case_id, knowledge, monkeypatch) -> None:
    """Every shortcut at once, against reportlab doing it all: line breaking, drawing and the canvas.

    The same case, audience and time through the briefing with the shortcuts and with each one
    switched off must give the same PDF, byte for byte.
    """
    from datetime import datetime

    from conftest import SAMPLES
    from reportlab.pdfgen.canvas import Canvas

    from lendready.domain.files.case_file import load_case
    from lendready.report import fast_draw, handout

    path = SAMPLES / f"{case_id}.lendready"
    case = load_case(path, knowledge.questionnaire)
    when = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
    drawn = []

    def counted(*args):
        done = fast_draw.draw_plain(*args)
        drawn.append(done)
        return done

    monkeypatch.setattr(briefing, "draw_plain", counted)
    fast = {a: briefing.build_briefing(case, knowledge, audience=a, generated=when, case_bytes=path.read_bytes())
            for a in ("lender", "founder", "trainer")}
    assert drawn.count(True) > 100  # the drawing shortcut took most paragraphs
    monkeypatch.setattr(briefing, "draw_plain", lambda *args: False)
    monkeypatch.setattr(briefing, "_fast_lines", lambda *args: None)
    monkeypatch.setattr(briefing, "_mixed_lines", lambda *args: None)
    monkeypatch.setattr(briefing, "FastCanvas", Canvas)
    monkeypatch.setattr(handout, "FastCanvas", Canvas)
    for audience, pdf in fast.items():
        assert pdf == briefing.build_briefing(case, knowledge, audience=audience, generated=when,
                                              case_bytes=path.read_bytes()), audience


def test_hostile_paragraphs_draw_as_reportlabs(monkeypatch) -> None:
    """The drawing shortcut on awkward text, one style and several, squeezed and not: reportlab's bytes."""
    from lendready.report.pdfcanvas import FastCanvas

    st = styles()
    made = []
    for fast in (True, False):
        if not fast:
            monkeypatch.setattr(briefing, "draw_plain", lambda *args: False)
        canv = FastCanvas(None, invariant=1)
        sizes = []
        for width in (60, 180, 480):
            paras = [T(text, style) for text in TEXTS for style in (st.body, st.cell_small, st.muted)]
            paras += [R(st.finding_body, *runs, " " + TEXTS[2]) for runs in MIXED_RUNS]
            paras += [R(st.glossary, *runs) for runs in MIXED_RUNS]
            paras += [briefing.tagged(st.finding_title, colour, "#ffffff", tag, title)
                      for tag, title in TAGS for colour in ("#546e7a", "#c62828")]
            for bullet in ("•", "12.", "a long bullet label"):
                paras += [R(st.bullet, *runs, bullet=bullet) for runs in MIXED_RUNS]
                for text in TEXTS:
                    para = T(text, st.bullet)
                    para.bulletText = bullet
                    paras.append(para)
            for para in paras:
                w, h = para.wrap(width, 10_000)
                para.drawOn(canv, 20, 800 - h)
                sizes.append((w, h))
        made.append((sizes, b"".join(x.encode() if isinstance(x, str) else x for x in canv._code)))
    assert made[0] == made[1]


def test_skipping_the_block_cleaning_changes_nothing() -> None:
    """_block is reportlab's cleanBlockQuotedText on every string, white space of every kind included."""
    import random

    from reportlab.platypus.paragraph import _wsc, cleanBlockQuotedText

    rng = random.Random(7)
    alphabet = list(_wsc) + ["\xa0", "\u200b", "a", "B", "é", "£", "1", ".", "<", "&"] + ["x"] * 6 + [" "] * 6
    samples = ["", " ", "a", "a b", "a  b", " a", "a ", "a\nb", "a\xa0b", "\u200ba", "a\u200b", "a\u200bb"]
    samples += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14))) for _ in range(5000)]
    samples += [TEXTS[2], TEXTS[5], "Ŵyr Ŷnys Cyf — £1,000 · ● ■"]
    for text in samples:
        assert briefing._block(text) == cleanBlockQuotedText(text), repr(text)
