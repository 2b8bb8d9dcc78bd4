"""Command line of the hwnas accelerator driver.

  python run.py classify DIR|FILE.npy            print the class of every image
  python run.py validate --dataset DIR|FILE.npz  accuracy against labels (or --images/--labels IDX)
  python run.py benchmark --batch N              frames per second

--transport board (default) runs the overlay on a PYNQ board; --transport csim runs the project's
compiled C-simulation with the very same packing code.
"""

from __future__ import annotations

import argparse
import gzip
import sys
from pathlib import Path

import numpy as np

from hwnas_driver import HERE, Accelerator, CsimTransport, DmaTransport, Geometry
from hwnas_files import DataError, image_files, read_images, read_labelled


def read_idx(path: Path) -> np.ndarray:
    """An IDX file (MNIST's format), gzipped or not."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as f:
        data = f.read()
    if data[:2] != b"\x00\x00" or data[2] != 0x08:
        raise SystemExit(f"{path} is not an unsigned-byte IDX file")
    dims = data[3]
    shape = tuple(int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(dims))
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def channels_of(geometry: Geometry) -> int:
    return geometry.raw_shape[0] if len(geometry.raw_shape) == 3 else 1


def load_images(source: Path, geometry: Geometry) -> tuple[list[str], np.ndarray]:
    """Names and uint8 images of a .npy file or of a folder of image files."""
    if source.is_dir():
        files = image_files(source)
        if not files:
            raise SystemExit(f"{source} holds no images")
        return [p.name for p in files], read_images(files, channels=channels_of(geometry))
    if source.suffix == ".npy":
        images = np.load(source)
        return [f"{source.name}[{i}]" for i in range(len(images))], images
    raise SystemExit(f"{source}: give a folder of images or a .npy file of uint8 images")


def load_labelled(args, geometry: Geometry) -> tuple[np.ndarray, np.ndarray]:
    """Images and labels: the test split of a class-folder tree or .npz (all of it when it has no
    test split), read exactly as hwnas read it for training; or IDX files."""
    if args.dataset is not None:
        found = read_labelled(args.dataset, channels=channels_of(geometry))
        if found.test_images is not None:
            return found.test_images, found.test_labels
        return found.train_images, found.train_labels
    if args.images is None or args.labels is None:
        raise SystemExit("validate needs --dataset DIR|FILE.npz, or --images and --labels IDX files")
    return read_idx(args.images), read_idx(args.labels)


def make_accelerator(args, geometry: Geometry) -> Accelerator:
    if args.transport == "board":
        transport = DmaTransport(geometry, args.bitfile)
    else:
        transport = CsimTransport(args.csim_binary)
    return Accelerator(geometry, transport, batch=args.batch)


def parse_args(argv):
    parser = argparse.ArgumentParser(description="Run an hwnas accelerator on a PYNQ board or its C-simulation.")
    parser.add_argument("--transport", choices=("board", "csim"), default="board")
    parser.add_argument("--bitfile", type=Path, default=HERE / "hwnas.bit", help="overlay (.hwh beside it)")
    parser.add_argument("--csim-binary", type=Path, default=HERE.parent / "hls" / "build" / "csim")
    parser.add_argument("--geometry", type=Path, default=HERE / "accelerator.json")
    parser.add_argument("--batch", type=int, default=1000, help="images per accelerator call")
    commands = parser.add_subparsers(dest="command", required=True)
    classify = commands.add_parser("classify", help="print the class of every image")
    classify.add_argument("source", type=Path, help="folder of images or .npy file of uint8 images")
    validate = commands.add_parser("validate", help="accuracy against labels")
    validate.add_argument("--dataset", type=Path, help="folder of class sub-folders (optionally train/ and test/) or .npz with images and labels")
    validate.add_argument("--images", type=Path, help="IDX image file (MNIST format, .gz or not)")
    validate.add_argument("--labels", type=Path, help="IDX label file")
    validate.add_argument("--limit", type=int, help="the first N images only")
    benchmark = commands.add_parser("benchmark", help="frames per second on random images")
    benchmark.add_argument("--runs", type=int, default=10)
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    geometry = Geometry.load(args.geometry)
    accelerator = make_accelerator(args, geometry)
    try:
        if args.command == "classify":
            names, images = load_images(args.source, geometry)
            for name, cls in zip(names, accelerator.classify(images)):
                print(f"{name}\t{geometry.class_names[cls]}")
        elif args.command == "validate":
            images, labels = load_labelled(args, geometry)
            if args.limit is not None:
                images, labels = images[: args.limit], labels[: args.limit]
            predicted = accelerator.classify(images)
            correct = int((predicted == np.asarray(labels).astype(np.int64)).sum())
            print(f"accuracy: {correct}/{len(labels)} = {correct / len(labels):.4f}")
        else:
            rng = np.random.default_rng(0)
            shape = geometry.raw_shape
            images = rng.integers(0, 256, size=(args.batch, *shape), dtype=np.uint8)
            result = accelerator.benchmark(images, runs=args.runs)
            print(
                f"{result['images']} images in batches of {args.batch}: "
                f"{result['transport_fps']:.1f} fps transport, {result['end_to_end_fps']:.1f} fps with packing"
            )
    except DataError as exc:
        raise SystemExit(str(exc)) from None
    finally:
        accelerator.transport.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
