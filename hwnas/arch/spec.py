"""Parse, validate and write architecture specs.

A spec is a plain YAML file::

    name: cnv-w1a1
    input: {channels: 3, height: 32, width: 32, bits: 8}
    classes: 10
    weight_bits: 1
    act_bits: 1
    layers:
      - {conv: {out: 64, kernel: 3}}
      - {maxpool: {kernel: 2}}
      - {linear: {out: 10}}

Convolutions and pools come first, then fully connected layers; the last linear layer gives the
logits. Every hidden conv/linear layer is followed by BatchNorm and a binary sign activation.

Layers read the layer before them unless they say otherwise: a layer may carry a ``name`` and an
``inputs`` list of earlier layers' names (``input`` is the network's input), which makes branches::

      - {conv: {out: 16, kernel: 3, padding: 1}, name: stem}
      - {conv: {out: 16, kernel: 3, padding: 1}}
      - {conv: {out: 16, kernel: 3, padding: 1}, name: body}
      - {add: {bits: 4}, inputs: [stem, body]}

The kinds of layers, their parameters and shapes live in ``hwnas.kinds``, one module each.

The model's input is what the hardware reads: for ``bits: 8`` unsigned integer pixels 0..255,
for ``bits: 1`` bipolar values -1/+1.
"""

from __future__ import annotations

from dataclasses import MISSING, dataclass
from pathlib import Path
from typing import Union

import yaml

from hwnas.errors import UserError
from hwnas.kinds import KINDS, kind_name
from hwnas.kinds.add import Add
from hwnas.kinds.base import LayerBase, Port
from hwnas.kinds.conv import Conv
from hwnas.kinds.linear import Linear
from hwnas.kinds.maxpool import MaxPool

SUPPORTED_INPUT_BITS = (1, 8)


@dataclass(frozen=True)
class ImageInput:
    channels: int
    height: int
    width: int
    bits: int

    @property
    def shape(self) -> tuple[int, ...]:
        return (self.channels, self.height, self.width)


@dataclass(frozen=True)
class FlatInput:
    features: int
    bits: int

    @property
    def shape(self) -> tuple[int, ...]:
        return (self.features,)


Layer = Union[Conv, MaxPool, Linear, Add]
# fields every layer has beside its kind's parameters
GRAPH_FIELDS = tuple(LayerBase.__dataclass_fields__)
NETWORK_INPUT = "input"  # the name by which a layer reads the network's input


@dataclass(frozen=True)
class LayerShape:
    """Input and output of one layer: (C, H, W) for images, (F,) for flat vectors.

    ``in_shape`` and ``in_bits`` describe the first input (the only one, except for layers that join
    branches); ``ins`` lists every input, ``sources`` the layers they come from (-1: the network input).
    """

    index: int
    layer: Layer
    in_shape: tuple[int, ...]
    out_shape: tuple[int, ...]
    in_bits: int  # bits of the values the layer reads (1 = bipolar)
    out_bits: int = 1  # bits of what it hands on: 1, the input's for a pool, an add's grid for its conv
    sources: tuple[int, ...] = ()
    ins: tuple[Port, ...] = ()

    @property
    def kind(self) -> str:
        return kind_name(self.layer)


@dataclass(frozen=True)
class Arch:
    name: str
    input: ImageInput | FlatInput
    classes: int
    layers: tuple[Layer, ...]
    weight_bits: int = 1
    act_bits: int = 1

    def shapes(self) -> list[LayerShape]:
        """Shapes through the network; the spec was validated on construction via arch_from_dict."""
        return _infer_shapes(self)

    @property
    def is_chain(self) -> bool:
        """Every layer reads only the layer before it (the networks every stage handled before branches)."""
        return all(s.sources == (s.index - 1,) for s in self.shapes())

    def to_dict(self) -> dict:
        inp = {k: getattr(self.input, k) for k in self.input.__dataclass_fields__}
        layers = []
        for layer in self.layers:
            # required fields always, optional ones only where they differ from the default
            fields = {
                k: getattr(layer, k)
                for k, f in layer.__dataclass_fields__.items()
                if k not in GRAPH_FIELDS and (f.default is MISSING or getattr(layer, k) != f.default)
            }
            entry: dict = {kind_name(layer): fields}
            if layer.name is not None:
                entry["name"] = layer.name
            if layer.inputs is not None:
                entry["inputs"] = list(layer.inputs)
            layers.append(entry)
        return {
            "name": self.name,
            "input": inp,
            "classes": self.classes,
            "weight_bits": self.weight_bits,
            "act_bits": self.act_bits,
            "layers": layers,
        }

    def to_yaml(self) -> str:
        data = self.to_dict()
        layers = data.pop("layers")
        text = yaml.safe_dump(data, sort_keys=False, default_flow_style=None)
        text += "layers:\n"
        for layer in layers:
            text += "  - " + yaml.safe_dump(layer, default_flow_style=True, sort_keys=False).strip() + "\n"
        return text


def _positive_int(value: object, what: str, where: str, *, minimum: int = 1) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        bound = "positive" if minimum == 1 else f">= {minimum}"
        raise UserError(f"{where}: {what} must be a {bound} integer, got {value!r}")
    return value


def _parse_layer(index: int, raw: object, source: str) -> Layer:
    where = f"{source}: layer {index}"
    kinds = [key for key in raw if key not in GRAPH_FIELDS] if isinstance(raw, dict) else []
    if len(kinds) != 1:
        known = ", ".join(f"{{{k}: ...}}" for k in KINDS)
        raise UserError(f"{where}: expected one of {known} (with an optional name and inputs), got {raw!r}")
    (kind,) = kinds
    params = raw[kind]
    if kind not in KINDS:
        raise UserError(f"{where}: unknown layer type {kind!r}; known: {', '.join(KINDS)}")
    name = raw.get("name")
    if name is not None and (not isinstance(name, str) or not name or name == NETWORK_INPUT):
        raise UserError(f"{where} ({kind}): name must be a non-empty string other than {NETWORK_INPUT!r}, got {name!r}")
    where = _where(source, index, kind, name)
    inputs = raw.get("inputs")
    if inputs is not None:
        if not isinstance(inputs, list) or not inputs or not all(isinstance(i, str) for i in inputs):
            raise UserError(f"{where}: inputs must be a non-empty list of layer names, got {inputs!r}")
        inputs = tuple(inputs)
    if params is None:
        params = {}
    if not isinstance(params, dict):
        raise UserError(f"{where}: parameters must be a mapping, got {params!r}")
    cls = KINDS[kind]
    fields = [k for k in cls.__dataclass_fields__ if k not in GRAPH_FIELDS]
    unknown = set(params) - set(fields)
    if unknown:
        raise UserError(f"{where}: unknown parameter(s) {', '.join(sorted(unknown))}; known: {', '.join(fields)}")
    required = [k for k in fields if cls.__dataclass_fields__[k].default is MISSING]
    missing = [k for k in required if k not in params]
    if missing:
        raise UserError(f"{where}: missing parameter(s) {', '.join(missing)}")
    values = {}
    for key, value in params.items():
        if key == "padding":
            values[key] = _positive_int(value, key, where, minimum=0)
        elif key == "stride" and value is None:
            values[key] = None
        else:
            values[key] = _positive_int(value, key, where)
    return cls(**values, name=name, inputs=inputs)


def _where(source: str, index: int, kind: str, name: str | None) -> str:
    return f"{source}: layer {index} ({kind}{'' if name is None else ' ' + repr(name)})"


def arch_from_dict(raw: object, *, source: str = "spec") -> Arch:
    """Build and validate an :class:`Arch`; every problem is a UserError naming the layer."""
    if not isinstance(raw, dict):
        raise UserError(f"{source}: expected a mapping with name, input, classes, layers")
    missing = [k for k in ("input", "classes", "layers") if k not in raw]
    if missing:
        raise UserError(f"{source}: missing field(s) {', '.join(missing)}")
    unknown = set(raw) - {"name", "input", "classes", "layers", "weight_bits", "act_bits"}
    if unknown:
        raise UserError(f"{source}: unknown field(s) {', '.join(sorted(unknown))}")
    for key in ("weight_bits", "act_bits"):
        if raw.get(key, 1) != 1:
            raise UserError(f"{source}: {key} must be 1 (hwnas builds binary networks), got {raw[key]!r}")

    inp = raw["input"]
    if not isinstance(inp, dict):
        raise UserError(f"{source}: input must be a mapping, got {inp!r}")
    bits = inp.get("bits", 8)
    if bits not in SUPPORTED_INPUT_BITS:
        raise UserError(f"{source}: input.bits must be 1 (bipolar) or 8 (integer pixels), got {bits!r}")
    if "features" in inp:
        extra = set(inp) - {"features", "bits"}
        if extra:
            raise UserError(f"{source}: a flat input takes features and bits only, not {', '.join(sorted(extra))}")
        input_spec: ImageInput | FlatInput = FlatInput(_positive_int(inp["features"], "input.features", source), bits)
    else:
        missing = [k for k in ("channels", "height", "width") if k not in inp]
        if missing:
            raise UserError(f"{source}: input needs features, or channels/height/width (missing {', '.join(missing)})")
        extra = set(inp) - {"channels", "height", "width", "bits"}
        if extra:
            raise UserError(f"{source}: unknown input field(s) {', '.join(sorted(extra))}")
        input_spec = ImageInput(
            *(_positive_int(inp[k], f"input.{k}", source) for k in ("channels", "height", "width")), bits
        )

    classes = _positive_int(raw["classes"], "classes", source, minimum=2)
    layers_raw = raw["layers"]
    if not isinstance(layers_raw, list) or not layers_raw:
        raise UserError(f"{source}: layers must be a non-empty list")
    layers = tuple(_parse_layer(i, layer, source) for i, layer in enumerate(layers_raw))
    arch = Arch(
        name=str(raw.get("name", Path(source).stem)),
        input=input_spec,
        classes=classes,
        layers=layers,
        weight_bits=1,
        act_bits=1,
    )
    _infer_shapes(arch, source=source)
    return arch


def _sources(arch: Arch, source: str) -> list[tuple[int, ...]]:
    """For each layer the indices of the layers it reads (-1: the network input), checked: names
    exist and come earlier (the spec's order is a topological order), every layer is used."""
    index_of: dict[str, int] = {}
    for index, layer in enumerate(arch.layers):
        if layer.name is not None:
            if layer.name in index_of:
                where = _where(source, index, kind_name(layer), layer.name)
                raise UserError(f"{where}: the name is already taken by layer {index_of[layer.name]}")
            index_of[layer.name] = index
    result = []
    for index, layer in enumerate(arch.layers):
        where = _where(source, index, kind_name(layer), layer.name)
        if layer.inputs is None:
            result.append((index - 1,))
            continue
        found = []
        for name in layer.inputs:
            if name == NETWORK_INPUT:
                found.append(-1)
            elif name not in index_of:
                raise UserError(f"{where}: input {name!r} names no layer")
            elif index_of[name] >= index:
                if _reaches(arch, index_of, index_of[name], index):
                    raise UserError(f"{where}: input {name!r} makes a cycle (layer {index_of[name]} depends on this one)")
                raise UserError(f"{where}: input {name!r} names no earlier layer; list layers after their inputs")
            else:
                found.append(index_of[name])
        result.append(tuple(found))
    used = {i for sources in result for i in sources}
    for index, layer in enumerate(arch.layers[:-1]):
        if index not in used:
            where = _where(source, index, kind_name(layer), layer.name)
            raise UserError(f"{where}: no layer reads its output; every layer must be used (the last one gives the logits)")
    return result


def _reaches(arch: Arch, index_of: dict[str, int], start: int, target: int) -> bool:
    """Whether layer ``start`` reads, directly or not, layer ``target``."""
    seen, todo = set(), [start]
    while todo:
        index = todo.pop()
        if index == target:
            return True
        if index in seen or index < 0:
            continue
        seen.add(index)
        layer = arch.layers[index]
        names = layer.inputs if layer.inputs is not None else None
        todo += [index - 1] if names is None else [index_of.get(n, -1) for n in names if n != NETWORK_INPUT]
    return False


def _infer_shapes(arch: Arch, *, source: str = "spec") -> list[LayerShape]:
    sources = _sources(arch, source)
    consumers: dict[int, list[int]] = {}
    for index, reads in enumerate(sources):
        for producer in reads:
            consumers.setdefault(producer, []).append(index)
    ports: dict[int, Port] = {-1: Port(arch.input.shape, arch.input.bits)}
    result = []
    for index, layer in enumerate(arch.layers):
        where = _where(source, index, kind_name(layer), layer.name)
        ins = [ports[i] for i in sources[index]]
        if layer.NEEDS_IMAGE and any(len(port.shape) != 3 for port in ins):
            problem = "follows a linear layer" if isinstance(arch.input, ImageInput) else "needs an image input"
            raise UserError(f"{where}: {problem}; convolutions and pools must come before linear layers")
        out = layer.infer(ins, where)
        readers = consumers.get(index, [])
        if layer.QUANTISES_FOR_ADD and len(readers) == 1 and arch.layers[readers[0]].grid_bits is not None:
            out = Port(out.shape, arch.layers[readers[0]].grid_bits)
        ports[index] = out
        result.append(
            LayerShape(index, layer, ins[0].shape, out.shape, ins[0].bits, out.bits, sources[index], tuple(ins))
        )
    last = arch.layers[-1]
    if not isinstance(last, Linear):
        raise UserError(f"{source}: the last layer must be linear (it gives the logits), got {kind_name(last)}")
    if last.out != arch.classes:
        raise UserError(f"{source}: layer {len(arch.layers) - 1} (linear) gives {last.out} outputs but classes is {arch.classes}")
    return result


def load_arch(path: str | Path) -> Arch:
    from hwnas.userfiles import read_yaml

    return arch_from_dict(read_yaml(path, what="architecture spec"), source=str(path))


def save_arch(arch: Arch, path: str | Path) -> Path:
    path = Path(path)
    path.write_text(arch.to_yaml())
    return path
