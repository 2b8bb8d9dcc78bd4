"""Specs lowered by ``hwnas.lower`` at chosen foldings, for the end-to-end C-simulation tests.

A folding is written as FINN's folding_config JSON for the nodes ``hwnas.cost.hardware_nodes``
names, and ``hwnas.lower.lower(..., folding=path)`` applies it: the tests go through the same
lowering as ``hwnas lower --folding``.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from hwnas.cost import Folding, NodeFold, hardware_nodes
from hwnas.hw import MVAU, LabelSelect, Padding, Pool, SlidingWindow, divisors

BOARD = "pynq-z2"


def _dimensions(node) -> tuple[int, int]:
    """(the dimension PE divides, the one SIMD divides) of a node; 1 where it has no such factor."""
    if isinstance(node, MVAU):
        return node.mh, node.mw
    if isinstance(node, (SlidingWindow, Padding)):
        return 1, node.channels
    if isinstance(node, Pool):
        return node.channels, 1
    if isinstance(node, LabelSelect):
        return node.labels, 1
    raise TypeError(f"unknown node {node!r}")


def _pick(kind: str, rng: np.random.Generator | None):
    def choose(n: int) -> int:
        options = divisors(n)
        if kind == "pe1-simd1":
            return 1
        if kind == "full":
            return n
        if kind == "uneven":  # the middle divisor: neither 1 nor the whole dimension where n allows
            return options[len(options) // 2]
        if kind == "random":
            return int(rng.choice(options))
        raise ValueError(f"unknown folding kind {kind!r}")

    return choose


def folding(arch, kind: str, rng: np.random.Generator | None = None) -> Folding:
    """PE/SIMD for every node of ``arch``: ``pe1-simd1``, ``full``, ``uneven`` or ``random`` (needs ``rng``)."""
    choose = _pick(kind, rng)
    nodes = {}
    for node in hardware_nodes(arch):
        pe_dim, simd_dim = _dimensions(node)
        nodes[node.name] = NodeFold(pe=choose(pe_dim), simd=choose(simd_dim))
    return Folding(nodes)


def write_folding(arch, fold: Folding, path: Path) -> Path:
    path.write_text(json.dumps(fold.to_finn_config(hardware_nodes(arch)), indent=2) + "\n")
    return path


def lower_at(arch, out_dir: Path, *, fold: Folding | None = None, fps: float | None = None, checkpoint=None,
             seed: int = 0):
    """``hwnas.lower.lower`` of ``arch`` at ``fold`` (or for ``fps``); a fresh model is seeded with ``seed``."""
    import torch

    from hwnas.board import load_board
    from hwnas.lower import lower

    out_dir.mkdir(parents=True, exist_ok=True)
    path = None if fold is None else write_folding(arch, fold, out_dir.parent / f"{out_dir.name}.folding.json")
    torch.manual_seed(seed)
    return lower(arch, load_board(BOARD), out_dir=out_dir, folding=path, fps=fps, checkpoint=checkpoint)


def train_tfc(fashion_mnist: Path):
    """TFC trained for one epoch on 6,000 Fashion-MNIST training images (a few seconds), and its arch."""
    import gzip

    import torch

    from hwnas.arch.spec import load_arch
    from hwnas.model import build_model, calibrate_batchnorm, prepare_input
    from tests.conftest import REPO

    arch = load_arch(REPO / "examples" / "archs" / "tfc-w1a1.yaml")
    with gzip.open(fashion_mnist / "train-images-idx3-ubyte.gz", "rb") as f:
        f.read(16)
        images = np.frombuffer(f.read(6000 * 784), dtype=np.uint8).reshape(6000, 784)
    with gzip.open(fashion_mnist / "train-labels-idx1-ubyte.gz", "rb") as f:
        f.read(8)
        labels = torch.from_numpy(np.frombuffer(f.read(6000), dtype=np.uint8).astype(np.int64))
    x = torch.from_numpy(prepare_input(images, arch))
    torch.manual_seed(0)
    model = build_model(arch)
    optimiser = torch.optim.Adam(model.parameters(), lr=1e-2)
    model.train()
    for i in range(0, len(x), 100):
        optimiser.zero_grad()
        torch.nn.functional.cross_entropy(model(x[i : i + 100]), labels[i : i + 100]).backward()
        optimiser.step()
    calibrate_batchnorm(model, x[:2000].numpy())
    model.eval()
    with torch.no_grad():
        accuracy = (model(x[:2000]).argmax(1) == labels[:2000]).float().mean().item()
    assert accuracy > 0.6, f"training did not take: {accuracy:.2f}"
    return arch, model
