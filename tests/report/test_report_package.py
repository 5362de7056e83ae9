"""The report package keeps to reportlab's public API, stays in small files, and its wording is data.

* No import names a private reportlab module or name (underscore-prefixed),
  ``rl_accel``, or ``reportlab.platypus.paragraph``'s helpers; no file is over
  450 lines; no module imports another's private (underscore) name.
* Every wording key a section looks up is one ``resources/teaching/report.toml``
  must define, and every key it must define is looked up; a key missing from
  the file is a lint and load error, never a surprise when a PDF is made.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from conftest import REPO, edit

from lendready.domain.engine.knowledge import ResourceError
from lendready.domain.engine.lint import lint
from lendready.domain.teaching.content import REPORT_WORDING, check_teaching, load_teaching

REPORT = REPO / "src" / "lendready" / "report"
MAX_LINES = 450


def report_files() -> list[Path]:
    return sorted(REPORT.rglob("*.py"))


def private_reportlab_imports(path: Path) -> list[str]:
    """Every import in ``path`` of a private reportlab module or name."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            pairs = [(a.name, "") for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            pairs = [(node.module, a.name) for a in node.names]
        else:
            continue
        for module, name in pairs:
            if not module.startswith("reportlab"):
                continue
            parts = module.split(".")
            private_module = any(p.startswith("_") for p in parts) or "rl_accel" in parts
            private_name = name.startswith("_") or name == "rl_accel"
            # paragraph.py's helpers (line breaking, fragments) are not its public classes.
            paragraph_internals = module == "reportlab.platypus.paragraph" and name not in ("Paragraph", "")
            if private_module or private_name or paragraph_internals:
                found.append(f"{path.name}:{node.lineno}: {module} {name}".strip())
    return found


def test_the_report_imports_only_public_reportlab():
    assert len(report_files()) >= 15  # the package and its sections were found
    offenders = [line for path in report_files() for line in private_reportlab_imports(path)]
    assert offenders == []


def test_the_check_catches_private_reportlab_imports(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from reportlab.lib.rl_accel import fp_str\n"
                   "from reportlab.platypus.paragraph import _HSFrag, split\n"
                   "from reportlab.rl_config import _FUZZ\n"
                   "import reportlab.pdfbase._fontdata\n"
                   "from reportlab.platypus import Paragraph\n", encoding="utf-8")
    found = private_reportlab_imports(bad)
    assert len(found) == 5, found  # fp_str, _HSFrag, split, _FUZZ, _fontdata; never Paragraph


def test_no_report_file_is_long():
    long = {str(p.relative_to(REPO)): n for p in report_files()
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}


def test_no_report_module_imports_a_private_name_of_another():
    offenders = []
    for path in report_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("lendready"):
                offenders += [f"{path.name}: {node.module}.{a.name}" for a in node.names
                              if a.name.startswith("_") and not a.name.endswith("__")]
    assert offenders == []


def looked_up_keys() -> set[str]:
    """The keys the sections pass to ``ctx.words("...")``."""
    keys = set()
    for path in report_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "words"
                    and node.args and isinstance(node.args[0], ast.Constant)):
                keys.add(node.args[0].value)
    return keys


def test_every_wording_key_is_looked_up_and_defined(knowledge):
    assert looked_up_keys() == set(REPORT_WORDING)
    teaching = load_teaching(knowledge.root, knowledge)
    assert set(teaching.report_wording) == set(REPORT_WORDING)
    for key, wording in teaching.report_wording.items():
        assert all(wording), key
    assert teaching.wording("cashflow_heading", "founder") == "Your cashflow"
    assert teaching.wording("primer_heading", "lender", title="X") == "Appendix: X"


def test_a_missing_wording_key_is_a_lint_and_load_error(broken, knowledge):
    edit(broken / "teaching/report.toml", 'id = "stress_heading"', 'id = "stress_headline"')
    problems = check_teaching(broken, knowledge)
    assert "teaching/report.toml:stress_headline: id: not a wording key the report uses" in problems
    assert ("teaching/report.toml:stress_heading: (item): no wording for this key, which the report needs"
            in problems)
    assert "teaching/report.toml:stress_heading: (item): no wording for this key, which the report needs" in (
        lint(broken).problems)
    with pytest.raises(ResourceError):
        load_teaching(broken, knowledge)


@pytest.mark.parametrize("old, new, expected", [
    ('founder = "Your cashflow"\n', "", "teaching/report.toml:cashflow_heading: founder: Field required"),
    ('founder = "Your cashflow"', 'founder = "Your <b>cashflow</b>"',
     "teaching/report.toml:cashflow_heading: founder: Value error, contains markup '<b>'"),
    ('founder = "Your cashflow"', 'founder = "Your {band} cashflow"',
     "teaching/report.toml:cashflow_heading: founder: slot {band} is not one of this key's (none)"),
    ('id = "evidence_label"', 'id = "findings_heading"', "teaching/report.toml:findings_heading: id: used twice"),
])
def test_wording_mistakes_are_named_file_key_field(broken, knowledge, old, new, expected):
    edit(broken / "teaching/report.toml", old, new)
    problems = check_teaching(broken, knowledge)
    assert any(p.startswith(expected) for p in problems), problems
    assert any(p.startswith(expected) for p in lint(broken).problems)
