"""Shared fixtures: the shipped resources, the loaded knowledge, the sample cases.

The validated-resource cache is pointed at a per-session temporary folder so the
suite never writes into the developer's own cache.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

_CACHE = tempfile.mkdtemp(prefix="lendready-test-cache-")
os.environ["LENDREADY_CACHE_DIR"] = _CACHE
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parents[1]
RESOURCES = REPO / "resources"
SAMPLES = RESOURCES / "samples"
SAMPLE_IDS = sorted(p.stem for p in SAMPLES.glob("*.lendready"))


@pytest.fixture(scope="session")
def resources() -> Path:
    return RESOURCES


@pytest.fixture(scope="session")
def knowledge():
    from lendready.domain.knowledge import load

    return load(RESOURCES)


@pytest.fixture(scope="session")
def samples(knowledge):
    from lendready.domain.case_file import load_case

    return {sid: load_case(SAMPLES / f"{sid}.lendready", knowledge.questionnaire) for sid in SAMPLE_IDS}


@pytest.fixture
def answers_of(samples):
    """A fresh, mutable copy of a sample's answers."""

    def get(sample_id: str) -> dict:
        return dict(samples[sample_id].answers)

    return get
