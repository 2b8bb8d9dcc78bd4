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
    *, paces=PACES, seed: int = 7, extra_sources: tuple[str, ...] = (),
) -> dict[tuple[int, int], HarnessRun]:
    """As simulate_kernel, but one Verilator build run at every pace in ``paces``:
    {(in_valid_pct, out_ready_pct): run}."""
    harness = build_harness(
        [kernel_source(m) for m in (*extra_sources, module)], top=module, inputs=list(words), outputs=list(expected),
        build_dir=build_dir, parameters=parameters,
    )
    return {
        (i, o): run_harness(
            harness, words, expected, work_dir=build_dir / f"run-{i}-{o}", seed=seed, in_valid_pct=i,
            out_ready_pct=o, stall_limit=10_000,
        )
        for i, o in paces
    }
