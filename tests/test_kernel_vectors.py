"""The HLS and the RTL kernel tests see the same words for the same case (tests/kernel_vectors.py):
the vectors are built once from the case, both tests take their cases and words from there, and on
one vector object the two backends give the same words."""

from __future__ import annotations

import importlib
import inspect

import numpy as np
import pytest

from tests.kernel_vectors import HLS, KINDS, RTL, build_vectors, case_ids, vectors

# cheap cases of both backends, a few kinds: one input, two inputs, three inputs, weights and thresholds
SHARED = [
    ("mvau", "xnor-odd"), ("thresholding", "int8-pe2"), ("swg", "k3s1-simd2"), ("add", "int3-uint2-pe3"),
    ("concat", "three-inputs-simd2"),
]


def _parametrized(function, names: str) -> list[tuple]:
    (mark,) = [m for m in function.pytestmark if m.name == "parametrize"]
    assert mark.args[0] == names
    return [tuple(param.values) for param in mark.args[1]]


def _rtl_test(kind: str):
    module = importlib.import_module(f"tests.rtl.test_rtl_{kind}")
    (function,) = [f for name, f in vars(module).items() if name.startswith("test_") and callable(f)]
    return module, function


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_both_backends_test_the_shared_cases(kind):
    """Each kind's HLS test and RTL test run ids of the shared case list (some of them both), and
    neither draws random inputs or runs FINN itself."""
    hls_module = importlib.import_module("tests.codegen.test_hls_kernels")
    rtl_module, rtl_function = _rtl_test(kind)
    hls_cases = _parametrized(hls_module.test_kernel_matches_finn, "kind,case_id")
    assert [c for k, c in hls_cases if k == kind] == case_ids(kind, HLS)
    assert _parametrized(rtl_function, "case_id") == [(c,) for c in case_ids(kind, RTL)]
    assert set(case_ids(kind, HLS)) & set(case_ids(kind, RTL))
    for module in (hls_module, rtl_module):
        source = inspect.getsource(module)
        assert "default_rng" not in source.replace("default_rng(0)", "") and "finn_execute" not in source


def _same(a, b) -> bool:
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, np.ndarray):
        return a.shape == b.shape and bool((a == b).all())
    return a == b


@pytest.mark.slow
@pytest.mark.parametrize("kind,case_id", SHARED, ids=[f"{k}-{c}" for k, c in SHARED])
def test_vectors_are_built_once_from_the_case(kind, case_id):
    """The session's vectors are one object per case, and building them again gives the same words."""
    vec = vectors(kind, case_id)
    assert vectors(kind, case_id) is vec
    again = build_vectors(kind, case_id)
    for part in ("frames", "inputs", "expected", "expected_words", "tables", "hls_defines", "rtl_parameters",
                 "rtl_tables"):
        assert _same(getattr(vec, part), getattr(again, part)), part


@pytest.mark.slow
@pytest.mark.parametrize("kind,case_id", SHARED, ids=[f"{k}-{c}" for k, c in SHARED])
def test_both_backends_on_one_vector_object(hls_runner, tmp_path, kind, case_id):
    """g++ and Verilator, fed one object's words, give the same words, its expected ones (the
    builds are the kernel tests' own when they ran earlier this session)."""
    from tests.codegen.hls_harness import run_vectors
    from tests.rtl.kernel_harness import simulate_vectors

    vec = vectors(kind, case_id)
    hls = run_vectors(hls_runner, kind, vec)
    (rtl,) = simulate_vectors(tmp_path, f"hwnas_{kind}", vec, paces=[(100, 100)]).values()
    assert not rtl.deadlock
    assert hls == rtl.outputs == vec.expected_words
