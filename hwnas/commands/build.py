"""``hwnas build``: lower a spec (or reuse a run folder's lowering) and generate the HLS project."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

DEFAULT_FASHION_MNIST = "/usr/share/datasets/fashion-mnist"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "build", help="generate the HLS C++ accelerator (and C-simulate it with --csim N)"
    )
    parser.add_argument("source", type=Path, help="ARCH.yaml, or a run folder holding dataflow.onnx")
    parser.add_argument("--board", required=True, help="board name or YAML file")
    parser.add_argument("--fps", type=float, help="target frames per second for the folding")
    parser.add_argument("--folding", type=Path, help="FINN folding_config JSON instead of --fps")
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    parser.add_argument("--checkpoint", type=Path, help="trained model.pt (default: freshly initialised)")
    parser.add_argument("--csim", type=int, default=0, metavar="N", help="C-simulate N test images")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from hwnas.arch.spec import load_arch
    from hwnas.board import load_board
    from hwnas.codegen.project import build_project
    from hwnas.errors import UserError

    if args.csim < 0:
        raise UserError("--csim takes a non-negative number of images")
    board = load_board(args.board)
    if args.source.is_dir():
        run_dir = args.source
    else:
        from hwnas.lower import lower

        result = lower(
            load_arch(args.source), board, out_dir=args.out / "lower", folding=args.folding, fps=args.fps,
            checkpoint=args.checkpoint,
        )
        run_dir = result.out_dir
    # the lowering saves the Brevitas model it lowered, with its spec, beside dataflow.onnx
    torch_model = arch = None
    if (run_dir / "model.pt").is_file():
        from hwnas.model import load_checkpoint

        torch_model, arch = load_checkpoint(run_dir / "model.pt")
    elif args.csim:
        raise UserError(f"{run_dir} holds no model.pt; --csim needs the lowered model to compare with")
    hls_dir = args.out / "hls"
    fashion_mnist = Path(os.environ.get("HWNAS_FASHION_MNIST", DEFAULT_FASHION_MNIST))
    report = build_project(
        run_dir / "dataflow.onnx", board=board, out_dir=hls_dir, arch=arch, torch_model=torch_model,
        csim=args.csim, fashion_mnist_dir=fashion_mnist,
    )
    print(f"HLS project: {hls_dir} (make csim | make hls)")
    if report is not None:
        print(f"C-simulation of {report.images} {report.source}:")
        print(f"  agrees with FINN's execution of dataflow.onnx on {report.finn_agree}/{report.finn_images}")
        if report.model_agree is not None:
            print(f"  agrees with the Brevitas model on {report.model_agree}/{report.images}")
        if report.finn_agree != report.finn_images or report.model_agree not in (None, report.images):
            return 1
    return 0
