"""``hwnas train ARCH.yaml --dataset D --epochs N --out DIR``: train a spec's binary network.

Re-running with the same ``--out`` resumes after the last finished epoch.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Mapping

from hwnas.data.registry import DATASETS, DEFAULT_DATASET
from hwnas.train.config import TrainConfig


def cache_dir(environ: Mapping[str, str]) -> Path:
    """Where downloaded datasets are kept: ``$HWNAS_CACHE``, else the XDG cache folder."""
    if environ.get("HWNAS_CACHE"):
        return Path(environ["HWNAS_CACHE"]) / "datasets"
    base = Path(environ["XDG_CACHE_HOME"]) if environ.get("XDG_CACHE_HOME") else Path.home() / ".cache"
    return base / "hwnas" / "datasets"


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def add_data_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("data")
    group.add_argument(
        "--dataset", default=DEFAULT_DATASET,
        help=f"dataset to train on: {', '.join(DATASETS)} (default: {DEFAULT_DATASET}), or your own data: a folder of "
        "class sub-folders of images (optionally train/ and test/) or an .npz with images and labels",
    )
    group.add_argument("--resize", metavar="HxW", help="resize your own images to HEIGHTxWIDTH (needed when their sizes differ)")
    group.add_argument(
        "--data-dir", type=Path, help="folder holding the dataset's files (searched first, also its sub-folder named after the dataset)"
    )
    group.add_argument(
        "--no-download", action="store_true", help="never download; fail if the files are not found locally"
    )


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "train",
        help="train the binary network of a spec",
        description=(
            "Train the binary network of an architecture spec with Brevitas (binary weights and "
            "activations, straight-through estimators, Adam with a cosine schedule). Writes model.pt, "
            "metrics.json and arch.yaml to --out, and a checkpoint after every epoch: re-running "
            "with the same --out resumes. Datasets are looked up in --data-dir, the system package "
            "folder, the cache ($HWNAS_CACHE, else ~/.cache/hwnas), then downloaded with checksums."
        ),
    )
    parser.add_argument("arch", type=Path, metavar="ARCH", help="architecture spec (YAML)")
    parser.add_argument("--out", type=Path, required=True, help="output folder (resumed when it holds a run)")
    parser.add_argument("--epochs", type=_positive, default=10, help="epochs (default: 10)")
    parser.add_argument("--batch-size", type=_positive, default=TrainConfig.batch_size, help=f"batch size (default: {TrainConfig.batch_size})")
    parser.add_argument("--lr", type=float, default=0.01, help="Adam's initial learning rate, decayed by a cosine (default: 0.01)")
    parser.add_argument(
        "--weight-decay", type=float, default=0.0,
        help="weight decay on BatchNorm and the logit scale; binary latent weights never decay (default: 0)",
    )
    parser.add_argument(
        "--label-smoothing", type=float, default=TrainConfig.label_smoothing,
        help=f"share of each target spread over the classes (default: {TrainConfig.label_smoothing})",
    )
    parser.add_argument(
        "--warmup-share", type=float, default=TrainConfig.warmup_share,
        help=f"share of the steps over which the learning rate rises linearly from 0 before the cosine (default: {TrainConfig.warmup_share})",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed for subsets, initial weights and shuffling (default: 0)")
    parser.add_argument("--device", default="cpu", help="cpu, cuda or cuda:N (default: cpu)")
    parser.add_argument("--threads", type=_positive, help="CPU threads for torch (default: torch's, all cores); on a machine shared with other jobs 1 is often several times faster")
    parser.add_argument("--train-subset", type=_positive, metavar="N", help="train on N examples drawn with the seed")
    parser.add_argument("--test-subset", type=_positive, metavar="N", help="test on N examples drawn with the seed")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar (one line per epoch stays)")
    add_data_arguments(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from hwnas.arch import load_arch
    from hwnas.data import Locations, load_dataset
    from hwnas.data.dataset import write_class_names
    from hwnas.data.own import resize_arg
    from hwnas.train import resolve_device, train

    def log(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    started = time.perf_counter()
    arch = load_arch(args.arch)
    resolve_device(args.device)  # before minutes of data loading, not after
    config = TrainConfig(
        dataset=args.dataset,
        epochs=args.epochs,
        batch_size=args.batch_size,
        lr=args.lr,
        weight_decay=args.weight_decay,
        label_smoothing=args.label_smoothing,
        warmup_share=args.warmup_share,
        seed=args.seed,
        device=args.device,
        threads=args.threads,
        train_subset=args.train_subset,
        test_subset=args.test_subset,
    )
    locations = Locations(data_dir=args.data_dir, cache_dir=cache_dir(os.environ), download=not args.no_download)
    dataset = load_dataset(args.dataset, arch, locations=locations, seed=args.seed, progress=not args.no_progress,
                           resize=resize_arg(args.resize))
    log(dataset.summary())
    result = train(arch, dataset, config, args.out, progress=not args.no_progress, log=log)
    write_class_names(dataset, args.out)
    print(
        f"{arch.name} on {dataset.name}: test accuracy {100 * result.test_accuracy:.2f}% after {len(result.epochs)} epoch{'s' if len(result.epochs) != 1 else ''} "
        f"({time.perf_counter() - started:.0f} s in this call); model in {result.model_path}"
    )
    return 0
