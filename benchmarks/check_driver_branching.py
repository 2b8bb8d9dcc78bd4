"""The PYNQ driver's `validate` on a trained branching network, through the C-simulation transport:
builds the board project of an `hwnas train` run (the generated accelerator with its adds, fan-outs
and sized skip FIFOs), then runs the project's own driver on the first N Fashion-MNIST test images
and compares its accuracy with the trained Brevitas model's on the same images. Exits 1 unless they
are equal and every image gets the model's class.

    hwnas train examples/archs/res-fmnist.yaml --dataset fashion-mnist --epochs 2 --threads 1 --out runs/res
    PYTHONPATH=. python benchmarks/check_driver_branching.py runs/res [--fps 2000] [--images 1000]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

FASHION_MNIST = Path("/usr/share/datasets/fashion-mnist")
TEST_IMAGES = FASHION_MNIST / "t10k-images-idx3-ubyte.gz"
TEST_LABELS = FASHION_MNIST / "t10k-labels-idx1-ubyte.gz"


def read_idx(path: Path) -> np.ndarray:
    import gzip

    data = gzip.open(path).read()
    dims = data[3]
    shape = tuple(int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(dims))
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def main() -> int:
    import torch

    from hwnas.model import load_checkpoint, prepare_input

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run", type=Path, help="an `hwnas train` output folder (arch.yaml, model.pt)")
    parser.add_argument("--board", default="pynq-z2")
    parser.add_argument("--fps", type=float, default=2000)
    parser.add_argument("--images", type=int, default=1000)
    args = parser.parse_args()
    torch.set_num_threads(1)
    images, labels = read_idx(TEST_IMAGES)[: args.images], read_idx(TEST_LABELS)[: args.images].astype(np.int64)
    model, arch = load_checkpoint(args.run / "model.pt")
    with torch.no_grad():
        model_classes = model(torch.from_numpy(prepare_input(images, arch))).argmax(1).numpy()
    model_correct = int((model_classes == labels).sum())
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "project"
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "hwnas.cli", "build", str(args.run / "arch.yaml"), "--checkpoint",
                        str(args.run / "model.pt"), "--board", args.board, "--fps", str(args.fps), "--out",
                        str(project), "--csim", "20"], check=True, capture_output=True, text=True)
        built = time.perf_counter() - start
        driver = [sys.executable, str(project / "driver" / "run.py"), "--transport", "csim", "--batch", "250"]
        start = time.perf_counter()
        validated = subprocess.run(driver + ["validate", "--images", str(TEST_IMAGES), "--labels", str(TEST_LABELS),
                                             "--limit", str(args.images)], check=True, capture_output=True, text=True)
        np.save(Path(tmp) / "images.npy", images)
        classified = subprocess.run(driver + ["classify", str(Path(tmp) / "images.npy")], check=True,
                                    capture_output=True, text=True)
        driven = time.perf_counter() - start
    driver_classes = np.array([int(line.split("\t")[1]) for line in classified.stdout.splitlines()])
    same = int((driver_classes == model_classes).sum())
    print(f"{arch.name} on {args.board} at {args.fps:g} fps, first {args.images} Fashion-MNIST test images")
    print(f"  model (Brevitas):          accuracy {model_correct}/{args.images} = {model_correct / args.images:.4f}")
    print(f"  driver validate, C-sim:    {validated.stdout.strip()}")
    print(f"  driver classes = model's:  {same}/{args.images}")
    print(f"  build {built:.0f} s, driver (validate + classify) {driven:.0f} s")
    expected = f"accuracy: {model_correct}/{args.images} "
    return 0 if validated.stdout.startswith(expected) and same == args.images else 1


if __name__ == "__main__":
    sys.exit(main())
