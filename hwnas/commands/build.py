"""``hwnas build``: lower a spec (or reuse a run folder's lowering) and write the board project:
the HLS C++ accelerator, the Vitis HLS / Vivado scripts for a PYNQ overlay and the PYNQ driver; or,
with ``--backend finn``, a folder for FINN's own build flow."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

DEFAULT_FASHION_MNIST = "/usr/share/datasets/fashion-mnist"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "build",
        help="write the board project: HLS C++ accelerator, bitstream scripts, PYNQ driver (or a FINN build folder)",
        description="Lower ARCH (or reuse the lowering in a run folder, such as a search's best/) and write the "
        "board project: the HLS C++ accelerator with its Vitis HLS / Vivado scripts for a PYNQ overlay and the "
        "PYNQ driver, or with --backend finn a folder for FINN's own build flow. --csim N C-simulates it with g++.",
    )
    parser.add_argument("source", type=Path, metavar="ARCH",
                        help="architecture spec (YAML), or a run folder holding dataflow.onnx")
    parser.add_argument("--board", required=True, help="board name or YAML file")
    parser.add_argument("--fps", type=float, help="target frames per second for the folding")
    parser.add_argument("--folding", type=Path, help="FINN folding_config JSON instead of --fps")
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    parser.add_argument("--checkpoint", type=Path, help="trained model.pt (default: freshly initialised)")
    parser.add_argument(
        "--clock-mhz", type=float,
        help="clock to build for (default: the clock a run folder was lowered at, else the board's)",
    )
    parser.add_argument("--csim", type=int, default=0, metavar="N", help="C-simulate N test images")
    parser.add_argument(
        "--simulate", type=int, default=0, metavar="N",
        help="simulate N frames of the accelerator cycle by cycle (throughput, latency, FIFO depths, deadlock) "
        "into simulation.json",
    )
    parser.add_argument(
        "--dataset", type=Path,
        help="your own data (a folder of class sub-folders, or an .npz) whose test images --csim runs and whose "
        "class names the driver prints",
    )
    parser.add_argument("--resize", metavar="HxW", help="resize the --dataset images to HEIGHTxWIDTH")
    parser.add_argument(
        "--backend", choices=("hls", "rtl", "finn"), default="hls",
        help="hls (default): hwnas's HLS accelerator and overlay project; rtl: the accelerator in SystemVerilog "
        "with a Vivado project (no HLS step); finn: QONNX model, folding and finn-plus build config for FINN's flow",
    )
    parser.add_argument(
        "--rtlsim", type=int, default=0, metavar="N",
        help="--backend rtl: simulate the RTL with Verilator on N test images into rtlsim.json (classes against "
        "the model, and the C-simulation with --csim; cycles per frame; FIFO occupancy; deadlock)",
    )
    parser.add_argument(
        "--synth", action="store_true",
        help="--backend rtl: synthesize the RTL with Yosys (synth_xilinx) for the board's family into synthesis.json, "
        "node by node beside the cost model's figures",
    )
    parser.set_defaults(run=run)


def _board_for_run(run_dir: Path, board, *, clock_given: bool):
    """The board as a run folder was lowered for: the same FPGA part, and its clock unless
    --clock-mhz says otherwise (its folding was chosen to meet the frame rate at that clock)."""
    import json

    from hwnas.errors import UserError

    estimates = run_dir / "finn_estimates.json"
    if not estimates.is_file():
        return board
    lowered = json.loads(estimates.read_text())
    if lowered["fpga_part"] != board.part:
        raise UserError(
            f"{run_dir} was lowered for the part {lowered['fpga_part']}, not {board.name}'s {board.part}; "
            f"build its arch.yaml with --checkpoint to lower it for {board.name}"
        )
    if not clock_given and lowered["clock_mhz"] != board.clock_mhz:
        print(f"clock: {lowered['clock_mhz']:g} MHz, as {run_dir} was lowered (--clock-mhz to change it)")
        return board.with_clock(lowered["clock_mhz"])
    return board


def run(args: argparse.Namespace) -> int:
    from hwnas.arch.spec import load_arch
    from hwnas.board import load_board
    from hwnas.data.dataset import read_class_names
    from hwnas.data.own import load_own_dataset, resize_arg
    from hwnas.errors import UserError

    if args.csim < 0:
        raise UserError("--csim takes a non-negative number of images")
    if args.simulate < 0:
        raise UserError("--simulate takes a non-negative number of frames")
    if args.rtlsim < 0:
        raise UserError("--rtlsim takes a non-negative number of images")
    if args.backend == "finn" and (args.csim or args.simulate):
        raise UserError("--csim and --simulate run hwnas's HLS accelerator; they do not apply to --backend finn")
    if args.backend != "rtl" and (args.rtlsim or args.synth):
        raise UserError("--rtlsim and --synth check the RTL backend's design; add --backend rtl")
    if args.backend == "rtl" and args.csim and args.csim != args.rtlsim:
        raise UserError("with --backend rtl, --csim N C-simulates the images --rtlsim N simulates: give both the same N")
    dataset = None
    if args.dataset is not None:
        dataset = load_own_dataset(args.dataset, resize=resize_arg(args.resize))
    elif args.resize is not None:
        raise UserError("--resize applies to --dataset")
    board = load_board(args.board, clock_mhz=args.clock_mhz)
    if args.source.is_dir():
        run_dir = args.source
        board = _board_for_run(run_dir, board, clock_given=args.clock_mhz is not None)
    else:
        from hwnas.lower import lower
        from hwnas.lower.quiet import library_output_to

        arch = load_arch(args.source)
        if args.checkpoint is None:
            print(f"hwnas: note: no --checkpoint, so {arch.name}'s weights are random: the accelerator will "
                  "compute nothing useful (give the model.pt of `hwnas train` or of a search's best/)", file=sys.stderr)
        lower_dir = args.out / "lower"
        print(f"lowering {arch.name} for {board.name} into {lower_dir} (library output: lower.log)", file=sys.stderr)
        with library_output_to(lower_dir / "lower.log"):
            result = lower(arch, board, out_dir=lower_dir, folding=args.folding, fps=args.fps, checkpoint=args.checkpoint)
        run_dir = result.out_dir
    # the lowering saves the Brevitas model it lowered, with its spec, beside dataflow.onnx
    torch_model = arch = None
    if (run_dir / "model.pt").is_file():
        from hwnas.model import load_checkpoint

        torch_model, arch = load_checkpoint(run_dir / "model.pt")
    elif args.csim:
        raise UserError(f"{run_dir} holds no model.pt; --csim needs the lowered model to compare with")
    design = arch.name if arch is not None else run_dir.name
    if dataset is not None:
        from hwnas.data import check_fits

        if arch is not None:
            check_fits(arch, dataset=str(args.dataset), image_shape=dataset.image_shape, classes=dataset.classes)
        class_names = dataset.label_names()
    else:
        class_names = read_class_names(run_dir) or (read_class_names(args.checkpoint.parent) if args.checkpoint else None)

    if args.backend == "finn":
        from hwnas.codegen.finn_export import CONFIG, MODEL, write_finn_project

        finn_dir = args.out / "finn"
        write_finn_project(run_dir, board=board, out_dir=finn_dir, design=design)
        print(f"FINN build folder: {finn_dir} (cd {finn_dir} && finn build {CONFIG} {MODEL})")
        return 0

    fashion_mnist = Path(os.environ.get("HWNAS_FASHION_MNIST", DEFAULT_FASHION_MNIST))
    if args.backend == "rtl":
        return _build_rtl(args, run_dir, board=board, arch=arch, torch_model=torch_model, dataset=dataset,
                          class_names=class_names, fashion_mnist=fashion_mnist, design=design)

    from hwnas.codegen.project import build_board_project

    report = build_board_project(
        run_dir / "dataflow.onnx", board=board, out_dir=args.out, arch=arch, torch_model=torch_model,
        csim=args.csim, fashion_mnist_dir=fashion_mnist, dataset=dataset, class_names=class_names,
    )
    print(f"project for {board.name}: {args.out} (make csim | make hls-ip | make bitstream; driver in {args.out / 'driver'})")
    deadlock = args.simulate and _simulate(run_dir, args.simulate, arch=arch, board=board, design=design, out=args.out)
    if report is not None:
        print(f"C-simulation of {report.images} {report.source}:")
        print(f"  agrees with FINN's execution of dataflow.onnx on {report.finn_agree}/{report.finn_images}")
        if report.model_agree is not None:
            print(f"  agrees with the Brevitas model on {report.model_agree}/{report.images}")
        if report.finn_agree != report.finn_images or report.model_agree not in (None, report.images):
            return 1
    return 1 if deadlock else 0


def _build_rtl(args, run_dir: Path, *, board, arch, torch_model, dataset, class_names, fashion_mnist, design) -> int:
    """--backend rtl: write the project, then run what --rtlsim / --synth ask for; prints their verdicts."""
    from hwnas.rtl.project import build_rtl_project

    if args.rtlsim and arch is None:
        from hwnas.errors import UserError

        raise UserError(f"{run_dir} holds no model.pt; --rtlsim needs the lowered model to compare with")
    report = build_rtl_project(
        run_dir / "dataflow.onnx", board=board, out_dir=args.out, arch=arch, torch_model=torch_model,
        rtlsim=args.rtlsim, csim=bool(args.csim), synth=args.synth, fashion_mnist_dir=fashion_mnist, dataset=dataset,
        class_names=class_names,
    )
    print(f"RTL project for {board.name}: {args.out} (rtl/ holds the SystemVerilog; make bitstream runs Vivado; "
          f"driver in {args.out / 'driver'})")
    failed = False
    if report.rtlsim is not None:
        print(f"Verilator simulation of {report.rtlsim.images} images ({args.out / 'rtlsim.json'}):")
        print("\n".join(report.rtlsim.summary()))
        failed = not report.rtlsim.ok
    if report.synthesis is not None:
        from hwnas.rtl.synth import table

        print(f"Yosys synth_xilinx -family {report.synthesis.family} ({args.out / 'synthesis.json'}):")
        print(table(report.synthesis))
    deadlock = args.simulate and _simulate(run_dir, args.simulate, arch=arch, board=board, design=design, out=args.out)
    return 1 if failed or deadlock else 0


def _simulate(run_dir: Path, frames: int, *, arch, board, design: str, out: Path) -> bool:
    """Simulate the accelerator; print the verdict and the per-node table, write simulation.json.
    Returns whether it deadlocked."""
    import json

    from hwnas.sim import cost_model_cycles, simulate

    if arch is not None and (run_dir / "folding_config.json").is_file():
        estimates = cost_model_cycles(arch, run_dir / "folding_config.json", board)
    else:  # a run folder without its spec: FINN's estimates, which the cost model equals
        found = run_dir / "finn_estimates.json"
        estimates = {n["name"]: n["cycles"] for n in json.loads(found.read_text())["nodes"]} if found.is_file() else None
    result = simulate(run_dir / "dataflow.onnx", frames, design=design, estimates=estimates)
    path = result.write(out / "simulation.json")
    print(f"simulation of {frames} frames ({path}):")
    print(result.table())
    print(f"simulation: {result.verdict()}")
    return result.deadlock
