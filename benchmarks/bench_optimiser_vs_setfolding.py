"""hwnas's folding optimiser against FINN's SetFolding at the same frame-rate targets.

Both foldings are judged by FINN itself: each is applied to FINN's specialised, bit-width-minimised
hardware graph (tests/finn_reference.py) and read back through res_estimation and
exp_cycles_per_layer. "met" means every node within the cycle budget; "fits" means within the
board's usable LUT/BRAM18/URAM/DSP. LUT+BRAM is board-normalised: LUT/usable + BRAM18/usable.

    PYTHONPATH=. python benchmarks/bench_optimiser_vs_setfolding.py
"""

from __future__ import annotations

import logging
from pathlib import Path

from hwnas.arch.spec import load_arch
from hwnas.board import load_board
from hwnas.cost import cheapest_folding, hardware_nodes
from tests.finn_reference import finn_graph, finn_numbers
from hwnas.report.table import format_table

REPO = Path(__file__).resolve().parent.parent
TARGETS = {
    "tfc-w1a1": (1_000, 10_000, 100_000, 300_000, 1_000_000),
    "cnv-w1a1": (100, 500, 1_000, 3_000, 6_000, 10_000),
}
BOARDS = ("pynq-z2", "zcu104")


def judge(numbers, board, budget):
    lut, bram = numbers.total("LUT"), numbers.total("BRAM_18K")
    met = max(numbers.cycles.values()) <= budget
    fits = lut <= board.budget("lut") and bram <= board.budget("bram18")
    return lut, bram, met, fits, lut / board.budget("lut") + bram / board.budget("bram18")


def main() -> None:
    logging.getLogger("finn").setLevel(logging.ERROR)  # SetFolding warns per missed node
    rows, violations = [], []
    for arch_name, targets in TARGETS.items():
        arch = load_arch(REPO / "examples" / "archs" / f"{arch_name}.yaml")
        nodes = hardware_nodes(arch)
        for board_name in BOARDS:
            board = load_board(board_name)
            graph = finn_graph(nodes, board.part)
            for fps in targets:
                budget = int(board.clock_mhz * 1e6 // fps)
                finn = judge(finn_numbers(graph, board.part, target_cycles=budget), board, budget)
                folding = cheapest_folding(arch, board, cycles_per_frame=budget)
                if folding is None:
                    ours = None
                else:
                    ours = judge(finn_numbers(graph, board.part, folding_config=folding.to_finn_config(nodes)), board, budget)
                row = [arch_name, board_name, fps, int(finn[0]), int(finn[1]), _yn(finn[2]), _yn(finn[3])]
                if ours is None:
                    row += ["-", "-", "no", "-", "-"]
                else:
                    row += [int(ours[0]), int(ours[1]), _yn(ours[2]), _yn(ours[3]), f"{ours[4] / finn[4]:.2f}"]
                rows.append(row)
                if finn[2] and (ours is None or not ours[2]):
                    violations.append(f"{arch_name}/{board_name}/{fps}: SetFolding meets the target, hwnas does not")
                if finn[2] and ours is not None and ours[2] and ours[4] > finn[4] + 1e-12:
                    violations.append(f"{arch_name}/{board_name}/{fps}: hwnas uses more LUT+BRAM than SetFolding")
    print(format_table(
        ["arch", "board", "target fps", "SF LUT", "SF BRAM18", "SF met", "SF fits",
         "hwnas LUT", "hwnas BRAM18", "hwnas met", "hwnas fits", "hwnas/SF LUT+BRAM"],
        rows,
    ))
    print()
    print("violations:", "none" if not violations else "")
    for line in violations:
        print("  " + line)


def _yn(flag: bool) -> str:
    return "yes" if flag else "no"


if __name__ == "__main__":
    main()
