"""The binary search space, and its decoding into architecture specs.

Macro-level choices follow BARS and NAS-BNN: the number of stages, blocks per stage, a channel
width per stage from a set, a kernel size per block, whether a stage ends in max pooling, and the
widths of the fully connected head. Flat inputs get an MLP space (depth and width per layer).

Every point is a plain dict of named choices (what Optuna stores), and :meth:`SearchSpace.decode`
turns it into an :class:`~hwnas.arch.Arch` that ``estimate``, ``lower`` and training accept
unchanged. The cell space of BNAS/BARS (multi-branch cells with skips, adds and concatenation) is
:class:`~hwnas.search.cells.CellSpace`, decoded to graph specs in :mod:`hwnas.search.cells`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from hwnas.arch.spec import Arch, Conv, FlatInput, ImageInput, Layer, Linear, MaxPool, arch_from_dict
from hwnas.search.cells import CellSpace, cell_layers, sample_cells


class ChoiceSource(Protocol):
    """Anything that picks one value from a list under a name: an Optuna trial, or a random source."""

    def suggest_categorical(self, name: str, choices: list) -> Any: ...


class RandomChoices:
    """A :class:`ChoiceSource` backed by a numpy generator (for supernet sandwich sampling)."""

    def __init__(self, rng: np.random.Generator):
        self._rng = rng

    def suggest_categorical(self, name: str, choices: list) -> Any:
        return choices[int(self._rng.integers(len(choices)))]


class ExtremeChoices:
    """Always the largest (or smallest) choice: the sandwich rule's outer subnets."""

    def __init__(self, largest: bool):
        self._largest = largest

    def suggest_categorical(self, name: str, choices: list) -> Any:
        if all(isinstance(c, (int, float)) for c in choices):
            return max(choices) if self._largest else min(choices)
        return choices[-1] if self._largest else choices[0]  # named choices are listed small to large


@dataclass(frozen=True)
class ConvSpace:
    """Stages of binary 3x3/1x1... convolutions, each ending in an optional 2x2 max pool."""

    max_stages: int = 3
    min_stages: int = 1
    widths: tuple[int, ...] = (16, 32, 64, 128)
    blocks: tuple[int, ...] = (1, 2)
    kernels: tuple[int, ...] = (1, 3)
    head_layers: tuple[int, ...] = (0, 1, 2)
    head_widths: tuple[int, ...] = (64, 128, 256)


@dataclass(frozen=True)
class MlpSpace:
    depths: tuple[int, ...] = (1, 2, 3)
    widths: tuple[int, ...] = (64, 128, 256, 512, 1024)
    # Binarised pixels (as FINN's TFC/SFC/LFC) or 8-bit pixels into a quantised-input first layer:
    # the second costs LUTs in the first MVAU and keeps information binarising throws away.
    input_bits: tuple[int, ...] = (1, 8)


class SearchSpace:
    """A space over architectures for one input shape and number of classes."""

    def __init__(self, input_spec: ImageInput | FlatInput, classes: int, space: ConvSpace | MlpSpace | CellSpace, *,
                 name: str = "searched"):
        if isinstance(space, (ConvSpace, CellSpace)) and not isinstance(input_spec, ImageInput):
            raise ValueError(f"a {type(space).__name__} needs an image input")
        self.input = input_spec
        self.classes = classes
        self.space = space
        self.name = name

    def sample(self, source: ChoiceSource) -> dict[str, Any]:
        """Draw one point: a dict of named choices. Choices that cannot matter are not drawn."""
        if isinstance(self.space, MlpSpace):
            return self._sample_mlp(source)
        if isinstance(self.space, CellSpace):
            return sample_cells(self.space, source, min(self.input.height, self.input.width))
        return self._sample_conv(source)

    def _sample_mlp(self, source: ChoiceSource) -> dict[str, Any]:
        space = self.space
        depth = source.suggest_categorical("depth", list(space.depths))
        point = {"input_bits": source.suggest_categorical("input_bits", list(space.input_bits)), "depth": depth}
        for i in range(depth):
            point[f"fc{i}_width"] = source.suggest_categorical(f"fc{i}_width", list(space.widths))
        return point

    def _sample_conv(self, source: ChoiceSource) -> dict[str, Any]:
        space = self.space
        stages = source.suggest_categorical("stages", list(range(space.min_stages, space.max_stages + 1)))
        point: dict[str, Any] = {}
        size = min(self.input.height, self.input.width)
        built = 0
        for s in range(stages):
            if size < min(space.kernels):  # the map has become too small for another stage
                break
            point[f"s{s}_width"] = source.suggest_categorical(f"s{s}_width", list(space.widths))
            blocks = source.suggest_categorical(f"s{s}_blocks", list(space.blocks))
            made = 0
            for b in range(blocks):
                fitting = [k for k in space.kernels if k <= size]
                if not fitting:
                    break
                kernel = source.suggest_categorical(f"s{s}_b{b}_kernel", list(space.kernels))
                if kernel not in fitting:  # the map is too small: the largest kernel that fits
                    kernel = max(fitting)
                point[f"s{s}_b{b}_kernel"] = kernel
                size = size - kernel + 1
                made += 1
            point[f"s{s}_blocks"] = made  # the blocks that fit, which the point decodes to
            built += 1
            # A stage ends in a 2x2 pool while the map is at least 4 wide (BARS places
            # downsampling between stages); the last stage keeps its map for the head.
            if s < stages - 1 and size >= 4:
                point[f"s{s}_pool"] = True
                size //= 2
        point["stages"] = built
        head = source.suggest_categorical("head_layers", list(space.head_layers))
        point["head_layers"] = head
        for i in range(head):
            point[f"head{i}_width"] = source.suggest_categorical(f"head{i}_width", list(space.head_widths))
        return point

    def decode(self, point: dict[str, Any]) -> Arch:
        if isinstance(self.space, CellSpace):
            return self._decode_cells(point)
        layers: list[Layer] = []
        if isinstance(self.space, MlpSpace):
            layers += [Linear(point[f"fc{i}_width"]) for i in range(point["depth"])]
        else:
            for s in range(point["stages"]):
                for b in range(point[f"s{s}_blocks"]):
                    layers.append(Conv(point[f"s{s}_width"], point[f"s{s}_b{b}_kernel"]))
                if point.get(f"s{s}_pool"):
                    layers.append(MaxPool(2))
            layers += [Linear(point[f"head{i}_width"]) for i in range(point["head_layers"])]
        layers.append(Linear(self.classes))
        inp = self.input
        if "input_bits" in point:
            inp = FlatInput(inp.features, point["input_bits"])
        arch = Arch(self.name, inp, self.classes, tuple(layers))
        return arch_from_dict(arch.to_dict(), source=f"search point {point}")

    def _decode_cells(self, point: dict[str, Any]) -> Arch:
        inp = self.input
        raw = {
            "name": self.name,
            "input": {"channels": inp.channels, "height": inp.height, "width": inp.width, "bits": self.space.input_bits},
            "classes": self.classes,
            "layers": cell_layers(point, self.space, inp.channels) + [{"linear": {"out": self.classes}}],
        }
        return arch_from_dict(raw, source=f"search point {point}")

    def largest(self) -> Arch:
        return self.decode(self.sample(ExtremeChoices(largest=True)))

    def smallest(self) -> Arch:
        return self.decode(self.sample(ExtremeChoices(largest=False)))


def describe(arch: Arch) -> str:
    """One line: the layers' kinds with their widths or kernels."""
    return " -> ".join(type(layer).__name__.lower() + str(getattr(layer, "out", getattr(layer, "kernel", ""))) for layer in arch.layers)
