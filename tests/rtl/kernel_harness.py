"""Build one RTL kernel under the Verilator harness and stream words through it (tests/rtl)."""

from __future__ import annotations

from pathlib import Path

from hwnas.rtl.render import kernel_source
from hwnas.rtl.verilator import HarnessRun, build_harness, run_harness

# every kernel test runs twice: at full rate, and with random input gaps and output back-pressure
PACES = [(100, 100), (60, 35)]


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
    out_ready: dict[tuple[int, int], dict[str, int]] | None = None,
) -> dict[tuple[int, int], HarnessRun]:
    """Like simulate_kernel, but build once and run once per pace ``(in_valid_pct, out_ready_pct)``.

    ``sources`` are further files (a test-only wrapper, its top ``module``) besides the kernels named
    by ``extra_sources``; ``out_ready`` gives a pace a percentage per output port instead."""
    kernels = [kernel_source(m) for m in extra_sources]
    if not sources:
        kernels.append(kernel_source(module))
    harness = build_harness(
        [*kernels, *sources], top=module, inputs=list(words), outputs=list(expected), build_dir=build_dir,
        parameters=parameters,
    )
    runs = {}
    for in_pct, out_pct in paces:
        runs[(in_pct, out_pct)] = run_harness(
            harness, words, expected, work_dir=build_dir / f"run-{in_pct}-{out_pct}", seed=seed,
            in_valid_pct=in_pct, out_ready_pct=(out_ready or {}).get((in_pct, out_pct), out_pct), stall_limit=10_000,
        )
    return runs


def assert_full_rate(run: HarnessRun, port: str, cycles: int, slack: int = 2) -> None:
    """At full pace, ``port``'s words moved over the ``cycles`` the cost model counts for them (from
    the first word to the last), less at most ``slack`` cycles of the first word's latency: a
    kernel that stalls even once a frame misses it."""
    span = run.cycles_at[port][-1] - run.cycles_at[port][0]
    assert cycles - slack <= span <= cycles, f"{port}: {span} cycles from first to last word, expected {cycles}"
