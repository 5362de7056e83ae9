"""The long fuzz run (issue 9): generated case files through the loader, assess, the outputs and the PDF.

The same generators and oracle as tests/domain/test_fuzz_end_to_end.py (tests/fuzz_cases.py), run
for longer: by default 100,000 inputs of every category (every loaded case through ``assess`` for
each audience, the text report, the explainer HTML, saving and reopening, and the JSON output),
500 deep-nesting and 5 MB files, and 500 PDFs (each audience in turn, the trainer's handout
included; one taking over 30 s counts as a crash). Prints, per category, how many loaded and
how many were refused and why; any crash is printed with its input saved, and the exit status is 1.

Run: .venv/bin/python bench/fuzz.py [--examples 100000] [--pdfs 500] [--rare 500] [--seed N]
(``--seed`` draws different examples; without it the run is the same every time.)
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PDF_SECONDS = 30.0
"""A PDF (built twice, with its text read back) taking longer than this counts as a crash."""
sys.path.insert(0, str(REPO / "tests"))


def _reason(message: str) -> str:
    """A refusal message with the particulars taken out, to count refusals by kind."""
    text = re.sub(r"'[^']*'|\"[^\"]*\"|\([^)]*\)", "…", message)
    text = re.sub(r"\b[a-z]+\.[a-z_]+\b", "Q", text)
    text = re.sub(r"\d+", "N", text)
    if "wrong type" in text:
        text = text[: text.index("wrong type") + len("wrong type")]
    return text[:70]


def run(examples: int, pdfs: int, rare: int, seed: int | None, quiet: bool = False) -> dict[str, object]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    home = tempfile.mkdtemp(prefix="lendready-fuzz-")
    for kind in ("CACHE", "CONFIG", "DATA", "LOG"):
        os.environ.setdefault(f"LENDREADY_{kind}_DIR", os.path.join(home, kind.lower()))
    import fuzz_cases as fz
    from hypothesis import HealthCheck, given, settings
    from hypothesis import seed as hypothesis_seed
    from PySide6.QtWidgets import QApplication

    from lendready.domain.files.case_file import CaseFileError, parse_case

    app = QApplication.instance() or QApplication([])
    k = fz.knowledge()
    pane, render_html = fz.explainer_renderer(k)
    dump = Path(tempfile.mkdtemp(prefix="lendready-fuzz-crashes-"))

    loaded: Counter = Counter()
    refused: Counter = Counter()
    reasons: Counter = Counter()
    crashes: list[str] = []
    counts: Counter = Counter()

    def once(item: fz.FuzzInput, *, pdf_audience: str | None = None, json_output: bool = True) -> None:
        try:
            case = fz.check_loader(item, k)
            if case is None:
                refused[item.category] += 1
                try:
                    parse_case(item.raw, k.questionnaire)
                except CaseFileError as exc:
                    reasons[_reason(str(exc))] += 1
                return
            loaded[item.category] += 1
            fz.check_pipeline(case, k, render_html, json_output=json_output, counts=counts)
            if pdf_audience:
                with pdf_time_limit(item, pdf_audience):
                    fz.check_pdf(case, k, pdf_audience)
                counts["pdf"] += 1
        except fz.Crash as exc:
            path = dump / f"crash-{len(crashes) + 1}.lendready"
            path.write_bytes(item.raw)
            crashes.append(f"{exc} (input: {path})")

    def pdf_time_limit(item: fz.FuzzInput, audience: str):
        """A PDF that takes longer than PDF_SECONDS is a crash (a stall in the layout), not a wait."""
        return fz.time_limit(PDF_SECONDS, lambda: fz.Crash(f"the PDF ({audience}) took longer than {PDF_SECONDS} s"))

    common = dict(deadline=None, database=None, suppress_health_check=list(HealthCheck), derandomize=seed is None)

    def drive(strategy, n: int, **kwargs) -> float:
        @settings(max_examples=n, **common)
        @given(strategy)
        def body(item: fz.FuzzInput) -> None:
            once(item, **kwargs)

        if seed is not None:
            body = hypothesis_seed(seed)(body)
        start = time.perf_counter()
        body()
        return time.perf_counter() - start

    timings = {
        "inputs": drive(fz.case_files(), examples),
        "rare": drive(fz.rare_files(), rare, json_output=False) if rare else 0.0,
    }
    timings["pdf"] = 0.0
    if pdfs:
        n_pdf = 0

        @settings(max_examples=pdfs, **common)
        @given(fz.pdf_cases())
        def pdf_body(item: fz.FuzzInput) -> None:
            nonlocal n_pdf
            once(item, pdf_audience=fz.PDF_AUDIENCES[n_pdf % len(fz.PDF_AUDIENCES)], json_output=False)
            n_pdf += 1

        if seed is not None:
            pdf_body = hypothesis_seed(seed)(pdf_body)
        start = time.perf_counter()
        pdf_body()
        timings["pdf"] = time.perf_counter() - start
    pane.deleteLater()
    del app

    total = sum(loaded.values()) + sum(refused.values())
    if not quiet:
        categories = sorted(set(loaded) | set(refused), key=lambda c: -(loaded[c] + refused[c]))
        width = max(len(c) for c in categories)
        print(f"{'category':<{width}}  {'inputs':>7}  {'loaded':>7}  {'refused':>7}")
        for c in categories:
            print(f"{c:<{width}}  {loaded[c] + refused[c]:>7}  {loaded[c]:>7}  {refused[c]:>7}")
        print()
        print("refused, by reason:")
        for reason, n in reasons.most_common():
            print(f"  {n:>7}  {reason}")
        print()
        print(f"inputs {total} ({sum(loaded.values())} loaded, {sum(refused.values())} refused), "
              f"JSON outputs {counts['json_output']}, PDFs {counts['pdf']}")
        print(f"time: inputs {timings['inputs']:.1f} s, deep/5 MB {timings['rare']:.1f} s, PDFs {timings['pdf']:.1f} s")
        print(f"crashes: {len(crashes)}")
        for line in crashes[:20]:
            print("  " + line)
    return {"total": total, "crashes": len(crashes), "timings": timings, "pdfs": counts["pdf"]}


def rows(examples: int = 10_000, pdfs: int = 50, rare: int = 50) -> list[tuple[str, str, str, str]]:
    """For bench/run.py: a shorter run than the default, so the whole table stays quick."""
    result = run(examples, pdfs, rare, None, quiet=True)
    seconds = sum(result["timings"].values())
    return [(f"fuzz: {result['total']} generated case files, {result['pdfs']} PDFs", f"{result['crashes']} crashes",
             "0 crashes", f"{seconds:.0f} s")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--examples", type=int, default=100_000, help="generated inputs (default 100000)")
    parser.add_argument("--pdfs", type=int, default=500, help="PDF briefings of loaded cases (default 500)")
    parser.add_argument("--rare", type=int, default=500, help="deep-nesting and 5 MB inputs (default 500)")
    parser.add_argument("--seed", type=int, default=None, help="draw different examples (default: fixed)")
    args = parser.parse_args()
    result = run(args.examples, args.pdfs, args.rare, args.seed)
    sys.exit(1 if result["crashes"] else 0)


if __name__ == "__main__":
    main()
