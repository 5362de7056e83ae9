"""The rooms of the code keep to their one direction of dependency."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, SAMPLES

SRC = REPO / "src" / "lendready"
FORBIDDEN_IN_DOMAIN = ("PySide6", "shiboken6", "reportlab", "lendready.ui", "lendready.report", "lendready.app")


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("room", ["domain", "register"])
def test_qt_free_rooms_import_no_qt_or_reportlab(room):
    """The domain and the case register are Qt-free: the command line and a server job use them
    without a display."""
    offenders = []
    for path in sorted((SRC / room).rglob("*.py")):
        for name in _imports(path):
            if name.startswith(FORBIDDEN_IN_DOMAIN):
                offenders.append(f"{path.relative_to(REPO)} imports {name}")
    assert offenders == []


def test_importing_the_register_loads_no_qt_or_reportlab():
    modules = ["lendready.register.schema", "lendready.register.merge", "lendready.register.migrate",
               "lendready.register.repository", "lendready.register.cli"]
    code = (
        "import importlib, json, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'reportlab', 'shiboken6'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == []


def test_importing_every_domain_module_loads_no_qt_or_reportlab():
    modules = [
        "lendready." + ".".join(p.relative_to(SRC).with_suffix("").parts)
        for p in sorted((SRC / "domain").rglob("*.py")) if p.stem != "__init__"
    ]
    assert "lendready.domain.advice.analysis" in modules
    code = (
        "import importlib, json, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'reportlab', 'shiboken6'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == []


def test_cli_json_path_imports_no_qt_reportlab_or_pydantic_when_cached():
    case = SAMPLES / "vale.lendready"
    code = (
        "import io, json, sys, contextlib\n"
        "from lendready.cli import main\n"
        "buf = io.StringIO()\n"
        "with contextlib.redirect_stdout(buf):\n"
        f"    main(['assess', {str(case)!r}, '--format', 'json'])\n"  # first run may fill the cache
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    first = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert not {"PySide6", "reportlab"} & set(json.loads(first.stdout.splitlines()[-1]))
    second = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = set(json.loads(second.stdout.splitlines()[-1]))
    assert not {"PySide6", "reportlab", "pydantic", "tomllib"} & loaded


def test_nothing_reads_the_shared_folder():
    offenders = []
    for path in list(SRC.rglob("*.py")) + list((REPO / "tests").rglob("*.py")) + list((REPO / "bench").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if path.name != Path(__file__).name and ("../" + "shared" in text or "/work/" + "shared" in text):
            offenders.append(str(path.relative_to(REPO)))
    assert offenders == []


# Renderers format an Analysis; they never compute a figure or reach a verdict of their own.
RENDERERS = [*sorted((SRC / "ui").rglob("*.py")), *sorted((SRC / "report").rglob("*.py")), SRC / "text_report.py"]
ARITHMETIC = (
    "lendready.domain.engine.metrics", "lendready.domain.advice.changes", "lendready.domain.advice.reassess",
    "lendready.domain.advice.stress", "lendready.domain.advice.sizing", "lendready.domain.advice.proposals",
)


def _imported_names(path: Path) -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found |= {(node.module, a.name) for a in node.names}
        elif isinstance(node, ast.Import):
            found |= {(a.name, "") for a in node.names}
    return found


def test_renderers_import_no_metric_arithmetic_and_reach_no_verdict_of_their_own():
    offenders = []
    for path in RENDERERS:
        for module, name in _imported_names(path):
            if module.startswith(ARITHMETIC) or f"{module}.{name}".startswith(ARITHMETIC):
                offenders.append(f"{path.relative_to(REPO)} imports {module} {name}".strip())
            if module == "lendready.domain.engine.assessment" and name in ("assess", "band_of", "judge"):
                offenders.append(f"{path.relative_to(REPO)} reaches a verdict with {name}()")
    assert offenders == []


def test_the_renderer_check_would_catch_an_offender(tmp_path):
    sample = tmp_path / "bad.py"
    sample.write_text("from lendready.domain.engine.metrics import running_cash\nfrom lendready.domain.engine import metrics\n")
    names = _imported_names(sample)
    assert ("lendready.domain.engine.metrics", "running_cash") in names and ("lendready.domain.engine", "metrics") in names
    assert all(f"{m}.{n}".startswith(ARITHMETIC) for m, n in names)
