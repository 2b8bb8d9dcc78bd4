"""Build one RTL kernel under the Verilator harness and stream words through it (tests/rtl)."""

from __future__ import annotations

from pathlib import Path

from hwnas.rtl.render import kernel_source
from hwnas.rtl.verilator import Harness, HarnessRun, build_harness, run_harness
from tests.kernel_vectors import assert_outputs

# every kernel test runs twice: at full rate, and with random input gaps and output back-pressure
PACES = [(100, 100), (60, 35)]
# the harnesses simulate_vectors built this session, by case and design: a second test of the same
# case (the cross-backend test in tests/test_kernel_vectors.py) runs the same binary
_BUILT: dict[tuple, Harness] = {}


def simulate_kernel(
    build_dir: Path, module: str, parameters: dict, words: dict[str, list[int]], expected: dict[str, int],
    *, in_valid_pct: int = 100, out_ready_pct: int = 100, seed: int = 7, extra_sources: tuple[str, ...] = (),
) -> HarnessRun:
    """Verilate ``module`` (rtl_templates/kernels/<module>.sv) with ``parameters`` and run ``words``
    through it; ``expected`` words per output port."""
    harness = build_harness(
        [kernel_source(m) for m in (*extra_sources, module)], top=module, inputs=list(words), outputs=list(expected),
        build_dir=build_dir, parameters=parameters,
    )
    return run_harness(
        harness, words, expected, work_dir=build_dir / f"run-{in_valid_pct}-{out_ready_pct}", seed=seed,
        in_valid_pct=in_valid_pct, out_ready_pct=out_ready_pct, stall_limit=10_000,
    )


def simulate_kernel_at_paces(
    build_dir: Path, module: str, parameters: dict, words: dict[str, list[int]], expected: dict[str, int],
    *, paces=PACES, seed: int = 7, extra_sources: tuple[str, ...] = (), sources: tuple[Path, ...] = (),
    out_ready: dict[tuple[int, int], dict[str, int]] | None = None, build_key: tuple | None = None,
) -> dict[tuple[int, int], HarnessRun]:
    """Like simulate_kernel, but build once and run once per pace ``(in_valid_pct, out_ready_pct)``.

    ``sources`` are further files (a test-only wrapper, its top ``module``) besides the kernels named
    by ``extra_sources``; ``out_ready`` gives a pace a percentage per output port instead. A
    ``build_key`` seen before this session reuses that build."""
    harness = _BUILT.get(build_key) if build_key is not None else None
    if harness is None:
        kernels = [kernel_source(m) for m in extra_sources]
        if not sources:
            kernels.append(kernel_source(module))
        harness = build_harness(
            [*kernels, *sources], top=module, inputs=list(words), outputs=list(expected), build_dir=build_dir,
            parameters=parameters,
        )
        if build_key is not None:
            _BUILT[build_key] = harness
    runs = {}
    for in_pct, out_pct in paces:
        runs[(in_pct, out_pct)] = run_harness(
            harness, words, expected, work_dir=build_dir / f"run-{in_pct}-{out_pct}", seed=seed,
            in_valid_pct=in_pct, out_ready_pct=(out_ready or {}).get((in_pct, out_pct), out_pct), stall_limit=10_000,
        )
    return runs


def simulate_vectors(build_dir: Path, module: str, vec, **options) -> dict[tuple[int, int], HarnessRun]:
    """simulate_kernel_at_paces on one case's vectors (tests/kernel_vectors.py): its parameters, its
    tables written as $readmemh files under ``build_dir``, its input words; built once a session for
    the case and design. At every pace the design must not deadlock and must give the expected words."""
    parameters = dict(vec.rtl_parameters)
    for name, text in vec.rtl_tables.items():
        path = build_dir / f"{name.lower()}.dat"
        path.write_text(text)
        parameters[name] = str(path.resolve())
    expected = {port: len(words) for port, words in vec.expected_words.items()}
    key = (vec.kind, vec.case_id, module, options.get("extra_sources", ()), options.get("sources", ()))
    runs = simulate_kernel_at_paces(build_dir, module, parameters, vec.inputs, expected, build_key=key, **options)
    for pace, run in runs.items():
        assert not run.deadlock, f"{module} deadlocked at pace {pace}"
        assert_outputs(vec, run.outputs, f"pace {pace}")
    return runs


def assert_full_rate(run: HarnessRun, port: str, cycles: int, slack: int = 2) -> None:
    """At full pace, ``port``'s words moved over the ``cycles`` the cost model counts for them (from
    the first word to the last), less at most ``slack`` cycles of the first word's latency: a
    kernel that stalls even once a frame misses it."""
    span = run.cycles_at[port][-1] - run.cycles_at[port][0]
    assert cycles - slack <= span <= cycles, f"{port}: {span} cycles from first to last word, expected {cycles}"
