"""Golden files for generated glue: the top-level C++, the Makefile and one parameter header of a small
fixed design (fixed graph, folding and weight seed) must match tests/codegen/golden/ byte for byte.

A change to the templates or to code generation shows up here as a diff to review. When the change
is intended, regenerate the files and commit them with it:

    HWNAS_REGENERATE_GOLDEN=1 python -m pytest tests/codegen/test_codegen_golden.py

The design's paths are fixed (``hls_include``) so the files do not depend on the machine.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hwnas.codegen.generate import generate
from tests.codegen.finn_graphs import build_graph

GOLDEN_DIR = Path(__file__).resolve().parent / "golden"
REGENERATE = os.environ.get("HWNAS_REGENERATE_GOLDEN") == "1"
GOLDEN_FILES = ("hwnas_top.cpp", "Makefile", "params/layer3_mvau.h")


def _design():
    """8-bit 6x6x2 image: padding, 3x3 conv (PE 2, SIMD 9), 2x2 max pool, classifier, top-1."""
    steps = [
        ("padding", (1, 2), {}),
        ("swg", (3, 1, 2), {}),
        ("mvau", (4, 2, 9), {}),
        ("swg", (2, 2, 2), {}),
        ("pool", (2, 2), {}),
        ("flatten_for_classifier", (), {}),
        ("mvau", (3, 1, 4), {"activation": False}),
        ("label_select", (1,), {}),
    ]
    model = build_graph((1, 6, 6, 2), "UINT8", steps, seed=5)
    return generate(model, design="golden", part="xc7z020clg400-1", clock_mhz=100.0, hls_include="/opt/hls/include")


@pytest.fixture(scope="module")
def plan():
    return _design()


@pytest.mark.parametrize("name", GOLDEN_FILES)
def test_generated_file_matches_golden(plan, name):
    golden = GOLDEN_DIR / name
    if REGENERATE:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(plan.files[name])
    assert golden.is_file(), f"{golden} missing; regenerate with HWNAS_REGENERATE_GOLDEN=1 (see this module's docstring)"
    assert plan.files[name] == golden.read_text()


def test_generation_is_deterministic(plan):
    again = _design()
    assert {name: again.files[name] for name in GOLDEN_FILES} == {name: plan.files[name] for name in GOLDEN_FILES}
