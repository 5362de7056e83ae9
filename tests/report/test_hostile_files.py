"""Issue 17, the PDF: hostile files, shared folders and odd machines.

* reportlab never reads or runs ``~/.reportlab_mods`` / ``~/.reportlab_settings`` (nor a module of
  either name on the path), and a HOME that is /dev/null, a file or unset does not break the PDF.
* Outside text shows an acting character (a bidi override, a zero-width space, an escape, a C1
  control) as the visible token the app shows, ``[U+202E]``, and markup as written.
* A case holding 250,000 answers this version does not ask about still gives a briefing of a few
  pages: the provenance names twenty and counts the rest.
* The writers tell ``on_page`` of each page laid out; when it raises, the exception comes out
  unchanged and nothing (not even a temporary file) is left in the folder.
* Builds in two threads at once give the same bytes as one after the other.
"""

from __future__ import annotations

import ast
import copy
import io
import json
import os
import re
import subprocess
import sys
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest
from pypdf import PdfReader

from lendready.domain.advice import analyse
from lendready.domain.files.case_file import dumps, parse_case
from lendready.report import AUDIENCES, build_briefing, write_briefing, write_handout, write_session_pack
from lendready.report.isolation import HOOK_MODULES
from lendready.report.styles import clean, esc, shortened, shown

REPO = Path(__file__).resolve().parents[2]
CLI = Path(sys.executable).with_name("lendready")
SAMPLE = REPO / "resources" / "samples" / "ashcombe.lendready"
WHEN = datetime(2026, 1, 5, 9, 30, tzinfo=timezone.utc)

HOSTILE = "Vale\u202eTrust\u200b\x1b[31m\x9b <b>bold</b> & Co"
TOKENS = ("[U+202E]", "[U+200B]", "[U+001B]", "[U+009B]", "<b>bold</b>", "&Co")
RAW = ("\u202e", "\u200b", "\x1b", "\x9b")


def text_of(pdf: bytes) -> str:
    """All the text of a PDF with every space and line break removed (a narrow cell breaks a token)."""
    return re.sub(r"\s+", "", "".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages))


def pages_of(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


# ---------------------------------------------------------------------------
# 1. The home folder


def run_assess(tmp_path: Path, env_changes: dict[str, str | None]) -> tuple[subprocess.CompletedProcess, Path]:
    out = tmp_path / "out" / "briefing.pdf"
    out.parent.mkdir(exist_ok=True)
    env = dict(os.environ)
    for name, value in env_changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    done = subprocess.run([str(CLI), "assess", str(SAMPLE), "--pdf", str(out)], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=180)
    return done, out


@pytest.mark.parametrize("home", ["/dev/null", "a-file", None], ids=["dev-null", "a-file", "unset"])
def test_an_odd_home_does_not_break_the_pdf(tmp_path, home):
    if home == "a-file":
        (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
        home = str(tmp_path / "a-file")
    done, out = run_assess(tmp_path, {"HOME": home})
    assert out.read_bytes().startswith(b"%PDF"), done.stderr
    assert "Traceback" not in done.stderr


def test_reportlab_files_in_home_or_on_the_path_are_never_run(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    marker = tmp_path / "MARKER"
    plant = f"open({str(marker)!r}, 'a').write(__name__ + '\\n')\n"
    (home / ".reportlab_mods").write_text(plant, encoding="utf-8")
    (home / ".reportlab_settings").write_text(plant + "invariant = 0\n", encoding="utf-8")
    on_path = tmp_path / "on_path"  # "any module of that name on the path wins"
    on_path.mkdir()
    for name in HOOK_MODULES:
        (on_path / f"{name}.py").write_text(plant, encoding="utf-8")
    done, out = run_assess(tmp_path, {"HOME": str(home), "PYTHONPATH": str(on_path)})
    assert out.read_bytes().startswith(b"%PDF"), done.stderr
    assert not marker.exists(), marker.read_text(encoding="utf-8")


def test_the_hook_modules_are_registered_empty_by_the_report_package():
    import lendready.report  # noqa: F401 (the import registers them)

    for name in HOOK_MODULES:
        module = sys.modules[name]
        assert [n for n in vars(module) if not n.startswith("__")] == [], name


def test_only_the_report_package_imports_reportlab():
    # The guard runs in lendready/report/__init__.py, before any of the package's modules: a
    # reportlab import anywhere else in lendready could come first and read the home folder.
    offenders = []
    for path in (REPO / "src" / "lendready").rglob("*.py"):
        if "report" in path.relative_to(REPO / "src" / "lendready").parts[:1]:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            offenders += [f"{path.name}:{node.lineno}" for n in names if n.split(".")[0] == "reportlab"]
    assert offenders == []
    init = (REPO / "src" / "lendready" / "report" / "__init__.py").read_text(encoding="utf-8")
    assert "from lendready.report import isolation" in init


# ---------------------------------------------------------------------------
# 2. Characters that act


def test_the_gateway_shows_acting_characters_and_escapes_markup():
    assert esc("A\u202eB <b>&") == "A[U+202E]B &lt;b&gt;&amp;"
    assert shown("x\u200by\xadz\ufeff") == "x[U+200B]y[U+00AD]z[U+FEFF]"
    assert esc("one\ntwo\tthree\r") == "one\ntwo\tthree[U+000D]"  # a paragraph keeps a note's lines
    assert clean("one\ntwo") == "one[U+000A]two"  # a line on the canvas cannot hold two
    assert shown("a\ufffeb") == "a[U+FFFE]b"
    assert shown("[U+202E]") == "[U+202E]"  # shown twice is shown once
    # Shortening counts the text as shown (a token is eight characters) and never halves a token.
    assert shortened("x" * 295 + "\u202e" + "y" * 5) == "x" * 295 + "… (301 characters, shown shortened)"
    assert shortened("\u200b" * 100).endswith("[U+200B]… (100 characters, shown shortened)")


def hostile_case(knowledge, samples):
    """Riverside with hostile text in names, free text, a note and the id of a kept answer."""
    doc = json.loads(dumps(samples["riverside"], knowledge.questionnaire))
    doc["answers"].update({"org.name": HOSTILE, "org.activity": f"We do {HOSTILE}\nline two",
                           "loan.purpose_detail": HOSTILE, f"future.{HOSTILE}": HOSTILE})
    doc.setdefault("notes", {})["org.name"] = f"A note: {HOSTILE}\nsecond line"
    return parse_case(json.dumps(doc).encode(), knowledge.questionnaire)


def test_hostile_text_prints_as_visible_tokens_everywhere(knowledge, samples):
    case = hostile_case(knowledge, samples)
    for audience in AUDIENCES:
        # The answers as the file has them (the domain sets aside text holding hidden characters, so
        # they print under Provenance), then as if the domain had accepted them: the cover, the
        # running head, the summary's own words, the PDF's title.
        analysis = analyse(case, knowledge, audience=audience)
        accepted = analysis._replace(
            assessment=analysis.assessment._replace(organisation=HOSTILE),
            values={**analysis.values, "org.activity": f"We do {HOSTILE}\nline two", "sec.description": HOSTILE})
        for a in (analysis, accepted):
            pdf = build_briefing(case, knowledge, audience=audience, analysis=a, generated=WHEN)
            text = text_of(pdf)
            for token in TOKENS:
                assert token in text, (audience, token)
            for raw in RAW:
                assert raw not in text, (audience, repr(raw))
        reader = PdfReader(io.BytesIO(pdf))
        title = reader.metadata.title
        assert "[U+202E]" in title and not any(raw in title for raw in RAW), title


# ---------------------------------------------------------------------------
# 3. A quarter of a million answers this version does not ask about


def test_a_quarter_million_kept_answers_give_a_briefing_of_a_few_pages(knowledge, samples):
    case = samples["ashcombe"]
    plain = {a: pages_of(build_briefing(case, knowledge, audience=a, generated=WHEN)) for a in AUDIENCES}
    big = copy.copy(case)  # made directly: the loader's own cap must not be what saves the report
    big.answers, big.warnings = dict(case.answers), list(case.warnings)
    for i in range(250_000):
        big.answers[f"future.q{i:06d}"] = f"answer {i}"
        big.warnings.append(f"future.q{i:06d}: not a question this version asks; kept unchanged")
    for audience in AUDIENCES:
        start = time.perf_counter()
        pdf = build_briefing(big, knowledge, audience=audience, generated=WHEN)
        assert time.perf_counter() - start < 30, audience
        assert pages_of(pdf) <= plain[audience] + 1, audience
        text = text_of(pdf)
        assert "future.q000019" in text and "future.q000020" not in text, audience
        assert "…and249,980moreanswersthisversiondoesnotaskabout." in text, audience


# ---------------------------------------------------------------------------
# 4. Progress and Cancel


class Stop(Exception):
    """Cancel, as a worker thread's callback would; its own arguments (reportlab, amending an
    exception's message, would try ``Stop(message)`` and fail)."""

    def __init__(self, reason: str, page: int) -> None:
        super().__init__(reason, page)


def counting() -> tuple[list[int], object]:
    seen: list[int] = []
    return seen, seen.append


def test_on_page_counts_every_page_of_every_writer(tmp_path, knowledge, samples):
    from lendready.domain.teaching.samples import load_samples

    case = samples["ashcombe"]
    writers = {
        "briefing": lambda path, cb: write_briefing(path, case, knowledge, audience="lender", on_page=cb),
        "handout": lambda path, cb: write_handout(path, case, knowledge, on_page=cb),
        "pack": lambda path, cb: write_session_pack(path, load_samples(knowledge.root, [])[:2], knowledge,
                                                    on_page=cb),
    }
    for name, write in writers.items():
        seen, callback = counting()
        path = write(tmp_path / f"{name}.pdf", callback)
        total = pages_of(path.read_bytes())
        assert seen == list(range(1, total + 1)), name
    assert sorted(p.name for p in tmp_path.iterdir()) == ["briefing.pdf", "handout.pdf", "pack.pdf"]


@pytest.mark.parametrize("audience", ["lender", "trainer"])
def test_a_callback_that_raises_cancels_and_leaves_no_file(tmp_path, knowledge, samples, audience):
    stop = Stop("cancelled by the user", 3)

    def cancel_on_third(page: int) -> None:
        if page == 3:
            raise stop

    target = tmp_path / "briefing.pdf"
    with pytest.raises(Stop) as raised:
        write_briefing(target, samples["ashcombe"], knowledge, audience=audience, on_page=cancel_on_third)
    assert raised.value is stop and stop.args == ("cancelled by the user", 3)
    assert list(tmp_path.iterdir()) == []  # no PDF, no temporary file

    target.write_bytes(b"the previous briefing")  # a cancelled export leaves an earlier one alone
    with pytest.raises(Stop):
        write_briefing(target, samples["ashcombe"], knowledge, audience=audience, on_page=cancel_on_third)
    assert target.read_bytes() == b"the previous briefing"
    assert [p.name for p in tmp_path.iterdir()] == ["briefing.pdf"]


def test_builds_in_two_threads_give_the_same_bytes_as_one_after_the_other(knowledge, samples):
    jobs = [("ashcombe", "lender"), ("riverside", "founder"), ("ashcombe", "trainer"), ("riverside", "lender")]
    alone = {job: build_briefing(samples[job[0]], knowledge, audience=job[1], generated=WHEN) for job in jobs}
    together: dict[tuple[str, str], bytes] = {}
    errors: list[BaseException] = []

    def build(job: tuple[str, str]) -> None:
        try:
            together[job] = build_briefing(samples[job[0]], knowledge, audience=job[1], generated=WHEN)
        except BaseException as exc:  # reported below: a thread's exception is otherwise lost
            errors.append(exc)

    threads = [threading.Thread(target=build, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []
    assert together == alone
