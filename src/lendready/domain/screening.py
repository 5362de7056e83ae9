"""Portfolio screening: many cases, one row each, every figure and word decided here.

``screen(sources, knowledge, as_of)`` assesses each case with :func:`~lendready.domain.advice.analyse`
(without the what-ifs a screen does not show: stress scenarios, proposals, finance that fits)
and keeps what a portfolio row shows: the organisation, its legal form, the band, the seven
area ratings, the key figures, the weightiest findings and the loan sizing. Nothing is
re-derived: the band, ratings, figures and sizing are the Analysis's own, and the words are the
rulebook's vocabulary. :func:`summarise` counts the rows by band and by legal form. The XLSX and
CSV writers (``lendready.report.portfolio_xlsx``) only format a :class:`Portfolio`.

A source is a path (a folder stands for its ``*.lendready`` files, sorted by name) or a
``(label, Case)`` pair, so that a register can feed cases it already holds. A file that is
damaged, hostile, unreadable or too large is a row that says why, in the loader's own words;
the run goes on. Large runs are spread over the machine's cores in chunks (each worker process
loads the rules once); small ones run in this process. ``progress(done, total)`` is called as
cases finish, and ``cancelled()`` is asked between them: when it says yes the run stops and
:class:`ScreeningCancelled` is raised, so no partial portfolio can pass for a whole one.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple, TypeAlias

from lendready import __version__
from lendready.domain.engine.knowledge import Knowledge
from lendready.domain.engine.metrics import KEY_FIGURES
from lendready.domain.files.case_file import Case, CaseFileError, load_case, parse_case
from lendready.domain.files.outside_text import clipped, for_display

CASE_SUFFIX = ".lendready"
TOP_FINDINGS = 3
ASSESSED = "assessed"
NAME_LIMIT = 200
"""The longest organisation name or label a row shows (a file may hold a far longer one)."""
IN_PROCESS_BELOW = 64
"""Runs of fewer cases than this are screened in this process: starting workers would cost more."""
MAX_CHUNK = 50

Source: TypeAlias = "str | os.PathLike[str] | tuple[str, Case | bytes]"
"""A case file's path, or a label with the case or the bytes of its file (a register's version)."""
Progress: TypeAlias = Callable[[int, int], None]
Cancelled: TypeAlias = Callable[[], bool]


class ScreeningCancelled(Exception):
    """The run was cancelled after ``done`` of ``total`` cases; nothing is returned."""

    def __init__(self, done: int, total: int) -> None:
        self.done = done
        self.total = total
        super().__init__(f"screening cancelled after {done:,} of {total:,} cases")


class ScreenFinding(NamedTuple):
    severity: str
    """The severity code (``blocker``, ``high``…)."""
    severity_word: str
    """The word every reader sees for it (the rulebook's vocabulary)."""
    area: str
    title: str


class ScreenFigure(NamedTuple):
    """One key figure of one case, as the Analysis holds it."""

    id: str
    value: float | None
    reason: str | None
    """Why there is no figure (only when ``value`` is None)."""
    negative_earnings: bool
    """A ratio over earnings that are zero or less: shown as negative, never as a figure."""
    month: str | None
    """For the lowest cash: the month (ISO ``YYYY-MM``) it falls in."""


class ScreenSizing(NamedTuple):
    """The loan sizing's figures; none to borrow when the amount is not what holds the case back."""

    term_months: int
    max_amount: int | None
    """None when the case is not ready at any amount (no figure is offered to borrow)."""
    comfortable_amount: int | None
    shortest_term_months: int | None
    band_at_max: str
    amount_is_not_the_problem: bool
    summary: str
    """The sizing in the words every reader gets (``advice.words.sizing_sentences``)."""


class ScreenRow(NamedTuple):
    source: str
    """The file as named (a folder's files under the folder), or the label a register gave."""
    status: str
    """``assessed``, or why the case could not be (the loader's own message, made safe to show)."""
    organisation: str | None = None
    legal_form: str | None = None
    """The legal form's choice code."""
    legal_form_label: str | None = None
    band: str | None = None
    band_label: str | None = None
    ratings: tuple[str, ...] = ()
    """Each area's rating code, in :attr:`Portfolio.areas` order."""
    rating_words: tuple[str, ...] = ()
    figures: tuple[ScreenFigure, ...] = ()
    """In :attr:`Portfolio.figures` order."""
    findings_count: int = 0
    """The findings that ask for something: every one but the notes (severity ``info``, for information)."""
    top_findings: tuple[ScreenFinding, ...] = ()
    """The weightiest of those, most severe first (the assessment's own order), at most three."""
    loan_amount: float | None = None
    loan_term_months: int | None = None
    sizing: ScreenSizing | None = None
    saved: date | None = None
    """When the case was last saved (its ``modified`` stamp), if that is a date."""

    @property
    def assessed(self) -> bool:
        return self.status == ASSESSED


class Column(NamedTuple):
    id: str
    title: str
    unit: str = ""


class Count(NamedTuple):
    id: str | None
    """A band or legal form code; None for "could not be read" or "not answered"."""
    label: str
    cases: int
    colour: str | None = None


class Portfolio(NamedTuple):
    """The rows and what the summary sheet shows, counted here (writers count nothing)."""

    rows: tuple[ScreenRow, ...]
    as_of: date
    rules_version: str
    lendready_version: str
    areas: tuple[Column, ...]
    figures: tuple[Column, ...]
    by_band: tuple[Count, ...]
    """Every band in the rulebook's order, then the cases that could not be read."""
    by_legal_form: tuple[Count, ...]
    """Every legal form in the questionnaire's order, then "not answered" when any is; assessed cases only."""
    total: int
    assessed: int
    unreadable: int


# ---------------------------------------------------------------------------
# One case


def _saved(stamp: Any) -> date | None:
    if not isinstance(stamp, str) or len(stamp) < 10:
        return None
    try:
        return date.fromisoformat(stamp[:10])
    except ValueError:
        return None


def row_for(source: str, case: Case, k: Knowledge, as_of: date, audience: str = "lender") -> ScreenRow:
    """The screening row of one case: the Analysis's verdict, figures and sizing, nothing re-derived."""
    from lendready.domain.advice import analyse
    from lendready.domain.advice.words import sizing_sentences

    analysis = analyse(case, k, as_of, audience=audience, what_ifs=False)
    a = analysis.assessment
    words = k.vocabulary
    values = analysis.values
    legal = values.get("org.legal_form")
    question = k.questionnaire.questions.get("org.legal_form")
    band = k.bands.get(a.band)
    sizing = analysis.loan_sizing
    sized = None
    if sizing is not None:
        offered = not sizing.amount_is_not_the_problem
        sized = ScreenSizing(
            term_months=sizing.term_months,
            max_amount=sizing.max_amount if offered else None,
            comfortable_amount=sizing.comfortable_amount if offered else None,
            shortest_term_months=sizing.shortest_term_months,
            band_at_max=sizing.band_at_max,
            amount_is_not_the_problem=sizing.amount_is_not_the_problem,
            summary=for_display(" ".join(sizing_sentences(sizing))),
        )
    amount, term = values.get("loan.amount"), values.get("loan.term_months")
    weighty = [f for f in a.findings if f.severity != "info"]
    return ScreenRow(
        source=source,
        status=ASSESSED,
        organisation=clipped(a.organisation, NAME_LIMIT) if a.organisation else None,
        legal_form=legal if isinstance(legal, str) else None,
        legal_form_label=question.choice_label(legal) if question is not None and isinstance(legal, str) else None,
        band=a.band,
        band_label=band.label if band else a.band,
        ratings=tuple(ar.rating for ar in a.areas),
        rating_words=tuple(words.rating(ar.rating) for ar in a.areas),
        figures=tuple(ScreenFigure(f.id, f.value, f.reason, f.negative_earnings, f.month)
                      for f in analysis.key_figures),
        findings_count=len(weighty),
        top_findings=tuple(ScreenFinding(f.severity, words.severity(f.severity), f.area, clipped(f.title, 400))
                           for f in weighty[:TOP_FINDINGS]),
        loan_amount=amount if isinstance(amount, (int, float)) else None,
        loan_term_months=term if isinstance(term, int) else None,
        sizing=sized,
        saved=_saved(case.modified),
    )


def _refused(source: str, why: str) -> ScreenRow:
    return ScreenRow(source=source, status=for_display(why))


def screen_one(item: Source, k: Knowledge, as_of: date, audience: str = "lender") -> ScreenRow:
    """One source's row; never raises for a bad file (the row says why instead)."""
    if isinstance(item, tuple):
        label, given = item
        source = clipped(str(label), NAME_LIMIT)
    else:
        source = for_display(os.fspath(item))
    try:
        if not isinstance(item, tuple):
            case = load_case(item, k.questionnaire)
        elif isinstance(given, bytes):  # read as a file is, with the loader's own messages
            case = parse_case(given, k.questionnaire)
        else:
            case = given
    except CaseFileError as exc:
        return _refused(source, str(exc))
    except Exception as exc:  # the loader turns every problem it knows into CaseFileError
        return _refused(source, f"lendready could not read it ({type(exc).__name__}); please report this")
    try:
        return row_for(source, case, k, as_of, audience)
    except Exception as exc:  # one case's fault must not stop the screen of the others
        return _refused(source, f"lendready could not assess it ({type(exc).__name__}); please report this")


# ---------------------------------------------------------------------------
# Many cases


def expand(sources: Iterable[Source]) -> list[Source]:
    """The sources with each folder replaced by its ``*.lendready`` files, sorted by name."""
    out: list[Source] = []
    for item in sources:
        if isinstance(item, tuple):
            out.append(item)
            continue
        path = Path(item)
        if path.is_dir():
            found: list[Path] = [p for p in path.iterdir() if p.name.endswith(CASE_SUFFIX)]
            found.sort(key=lambda p: p.name)
            out.extend(found)
        else:
            out.append(item)
    return out


def missing(sources: Iterable[Source]) -> list[str]:
    """The named paths that do not exist (a typo should not screen an empty portfolio)."""
    return [os.fspath(s) for s in sources if not isinstance(s, tuple) and not os.path.lexists(s)]


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))  # type: ignore[attr-defined,unused-ignore]
    except (AttributeError, OSError):
        return os.cpu_count() or 1


_WORKER: dict[str, Any] = {}


def _start_worker(root: str, as_of: date, audience: str) -> None:
    from lendready.domain.engine.knowledge import load

    _WORKER.update(knowledge=load(Path(root)), as_of=as_of, audience=audience)


def _screen_chunk(items: Sequence[Source]) -> list[ScreenRow]:
    k, as_of, audience = _WORKER["knowledge"], _WORKER["as_of"], _WORKER["audience"]
    return [screen_one(item, k, as_of, audience) for item in items]


def screen(
    sources: Iterable[Source],
    knowledge: Knowledge,
    as_of: date,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
    *,
    audience: str = "lender",
    workers: int | None = None,
) -> list[ScreenRow]:
    """One row per case, in the order given (a folder's files sorted by name).

    ``workers``: processes to use (default: one per core for a large run, none for a small one).
    Raises :class:`ScreeningCancelled` when ``cancelled()`` turns true.
    """
    items = expand(sources)
    total = len(items)
    if progress is not None:
        progress(0, total)
    count = workers if workers is not None else (cores() if total >= IN_PROCESS_BELOW else 1)
    count = max(1, min(count, total))
    if count == 1:
        return _in_process(items, knowledge, as_of, audience, progress, cancelled)
    return _in_pool(items, knowledge, as_of, audience, progress, cancelled, count)


def _in_process(items: list[Source], k: Knowledge, as_of: date, audience: str,
                progress: Progress | None, cancelled: Cancelled | None) -> list[ScreenRow]:
    rows: list[ScreenRow] = []
    total = len(items)
    for item in items:
        if cancelled is not None and cancelled():
            raise ScreeningCancelled(len(rows), total)
        rows.append(screen_one(item, k, as_of, audience))
        if progress is not None:
            progress(len(rows), total)
    return rows


def _in_pool(items: list[Source], k: Knowledge, as_of: date, audience: str,
             progress: Progress | None, cancelled: Cancelled | None, count: int) -> list[ScreenRow]:
    """Chunks over ``count`` worker processes, a few in flight per worker (memory stays flat).

    Workers are started fresh ("spawn"), never forked: the app's process has Qt's threads.
    A chunk whose worker failed (a worker killed, say) is screened here instead, so every
    case still gets its row.
    """
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait

    total = len(items)
    size = max(1, min(MAX_CHUNK, -(-total // (count * 8))))
    chunks = [items[i:i + size] for i in range(0, total, size)]
    results: list[list[ScreenRow] | None] = [None] * len(chunks)
    done = 0
    pool = ProcessPoolExecutor(max_workers=count, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_start_worker, initargs=(str(k.root), as_of, audience))
    try:
        pending: dict[Future[list[ScreenRow]], int] = {}
        queue = iter(range(len(chunks)))

        def submit() -> None:
            index = next(queue, None)
            if index is not None:
                pending[pool.submit(_screen_chunk, chunks[index])] = index

        for _ in range(count * 3):
            submit()
        while pending:
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                index = pending.pop(future)
                try:
                    results[index] = future.result()
                except Exception:
                    results[index] = [screen_one(item, k, as_of, audience) for item in chunks[index]]
                done += len(chunks[index])
                if progress is not None:
                    progress(done, total)
            if cancelled is not None and cancelled():
                raise ScreeningCancelled(done, total)
            for _ in finished:
                try:
                    submit()
                except RuntimeError:  # the pool broke: the rest are screened here
                    break
        for index, chunk in enumerate(chunks):
            if results[index] is None:
                results[index] = [screen_one(item, k, as_of, audience) for item in chunk]
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return [row for chunk_rows in results for row in (chunk_rows or ())]


# ---------------------------------------------------------------------------
# The summary


def summarise(rows: Iterable[ScreenRow], knowledge: Knowledge, as_of: date, audience: str = "lender") -> Portfolio:
    """The portfolio: the rows, and their counts by band and by legal form."""
    k = knowledge
    kept = tuple(rows)
    assessed = [r for r in kept if r.assessed]
    bands: dict[str, int] = {}
    forms: dict[str | None, int] = {}
    for r in assessed:
        if r.band is not None:
            bands[r.band] = bands.get(r.band, 0) + 1
        forms[r.legal_form] = forms.get(r.legal_form, 0) + 1
    unreadable = len(kept) - len(assessed)
    by_band = [Count(b.id, b.label, bands.get(b.id, 0), b.colour) for b in k.bands.values()]
    by_band.append(Count(None, "Could not be read", unreadable, None))
    question = k.questionnaire.questions.get("org.legal_form")
    choices = question.choices if question is not None else ()
    by_form = [Count(c.value, c.label, forms.get(c.value, 0)) for c in choices]
    known = {c.value for c in choices}
    by_form += [Count(code, code, n) for code, n in sorted(forms.items(), key=lambda i: str(i[0]))
                if code is not None and code not in known]
    if forms.get(None):
        by_form.append(Count(None, "Not answered", forms[None]))
    figures = tuple(
        Column(mid, k.metric_info[mid].label_for(audience), k.metric_info[mid].unit) for mid in KEY_FIGURES
    )
    return Portfolio(
        rows=kept, as_of=as_of, rules_version=k.rules_version, lendready_version=__version__,
        areas=tuple(Column(area.id, area.title_for(audience)) for area in k.areas),
        figures=figures, by_band=tuple(by_band), by_legal_form=tuple(by_form),
        total=len(kept), assessed=len(assessed), unreadable=unreadable,
    )


def screen_portfolio(
    sources: Iterable[Source],
    knowledge: Knowledge,
    as_of: date,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
    *,
    audience: str = "lender",
    workers: int | None = None,
) -> Portfolio:
    """:func:`screen` then :func:`summarise`: what the writers take."""
    rows = screen(sources, knowledge, as_of, progress, cancelled, audience=audience, workers=workers)
    return summarise(rows, knowledge, as_of, audience)


__all__ = [
    "ASSESSED", "Column", "Count", "Portfolio", "ScreenFigure", "ScreenFinding", "ScreenRow", "ScreenSizing",
    "ScreeningCancelled", "Source", "expand", "missing", "row_for", "screen", "screen_one", "screen_portfolio",
    "summarise",
]
