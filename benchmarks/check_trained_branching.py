"""A trained branching network through the lowering: FINN's Python execution against the model.

Lowers the checkpoint of an `hwnas train` run at a target frame rate and compares the top-1 class of
FINN's Python execution of `dataflow.onnx` with the trained Brevitas model's on the first N test
images of the run's dataset; also compares FINN's estimates with the cost model's, node by node.
Exits 1 on any difference.

    hwnas train examples/archs/res-fmnist.yaml --dataset fashion-mnist --epochs 2 --out runs/res
    PYTHONPATH=. python benchmarks/check_trained_branching.py runs/res --dataset fashion-mnist \
        --data-dir /usr/share/datasets/fashion-mnist --board pynq-z2 --fps 2000 --images 200
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import numpy as np

from hwnas.board import load_board
from hwnas.cost import plan_folding
from tests.finn_reference import lowering_differences
from hwnas.data.locate import Locations
from hwnas.data.registry import load_dataset
from hwnas.lower import compare_top1, lower
from hwnas.model import load_checkpoint, prepare_input


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run", type=Path, help="an `hwnas train` output folder (model.pt)")
    parser.add_argument("--dataset", default="fashion-mnist")
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--board", default="pynq-z2")
    parser.add_argument("--fps", type=float, default=2000)
    parser.add_argument("--images", type=int, default=200)
    args = parser.parse_args()

    model, arch = load_checkpoint(args.run / "model.pt")
    board = load_board(args.board)
    data = load_dataset(args.dataset, arch, locations=Locations(data_dir=args.data_dir, download=False), progress=False)
    images, labels = data.test.images[: args.images], data.test.labels[: args.images]
    with tempfile.TemporaryDirectory() as tmp:
        result = lower(arch, board, out_dir=Path(tmp), fps=args.fps, checkpoint=args.run / "model.pt")
        comparison = compare_top1(model, result.dataflow_path, prepare_input(images, arch))
        differences = lowering_differences(plan_folding(arch, board, fps=args.fps).estimate,
                                           json.loads(result.estimates_path.read_text()))
    accuracy = float(np.mean(comparison.model_classes == labels))
    print(f"{arch.name} on {args.board} at {args.fps:,.0f} fps: FINN's top-1 differs from the model's on "
          f"{comparison.mismatches} of {len(images)} test images (model accuracy on them {accuracy:.1%}); "
          f"cost model vs FINN estimates: {', '.join(differences) or 'equal node by node'}")
    return 1 if comparison.mismatches or differences else 0


if __name__ == "__main__":
    sys.exit(main())
