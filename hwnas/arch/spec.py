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

The model's input is what the hardware reads: for ``bits: 8`` unsigned integer pixels 0..255,
for ``bits: 1`` bipolar values -1/+1.
"""

from __future__ import annotations

from dataclasses import MISSING, dataclass
from pathlib import Path
from typing import Union

import yaml

from hwnas.errors import UserError

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


@dataclass(frozen=True)
class Conv:
    out: int
    kernel: int
    stride: int = 1
    padding: int = 0


@dataclass(frozen=True)
class MaxPool:
    kernel: int
    stride: int | None = None  # None: equal to kernel

    @property
    def effective_stride(self) -> int:
        return self.kernel if self.stride is None else self.stride


@dataclass(frozen=True)
class Linear:
    out: int


Layer = Union[Conv, MaxPool, Linear]
_LAYER_TYPES = {"conv": Conv, "maxpool": MaxPool, "linear": Linear}
_LAYER_NAMES = {cls: name for name, cls in _LAYER_TYPES.items()}


@dataclass(frozen=True)
class LayerShape:
    """Input and output shape of one layer: (C, H, W) for images, (F,) for flat vectors."""

    index: int
    layer: Layer
    in_shape: tuple[int, ...]
    out_shape: tuple[int, ...]
    in_bits: int  # bits of the values the layer reads (1 = bipolar)

    @property
    def kind(self) -> str:
        return _LAYER_NAMES[type(self.layer)]


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

    def to_dict(self) -> dict:
        inp = {k: getattr(self.input, k) for k in self.input.__dataclass_fields__}
        layers = []
        for layer in self.layers:
            # required fields always, optional ones only where they differ from the default
            fields = {
                k: getattr(layer, k)
                for k, f in layer.__dataclass_fields__.items()
                if f.default is MISSING or getattr(layer, k) != f.default
            }
            layers.append({_LAYER_NAMES[type(layer)]: fields})
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
    if not isinstance(raw, dict) or len(raw) != 1:
        raise UserError(f"{where}: expected one of {{conv: ...}}, {{maxpool: ...}}, {{linear: ...}}, got {raw!r}")
    ((kind, params),) = raw.items()
    if kind not in _LAYER_TYPES:
        raise UserError(f"{where}: unknown layer type {kind!r}; known: {', '.join(_LAYER_TYPES)}")
    where = f"{where} ({kind})"
    if params is None:
        params = {}
    if not isinstance(params, dict):
        raise UserError(f"{where}: parameters must be a mapping, got {params!r}")
    cls = _LAYER_TYPES[kind]
    fields = cls.__dataclass_fields__
    unknown = set(params) - set(fields)
    if unknown:
        raise UserError(f"{where}: unknown parameter(s) {', '.join(sorted(unknown))}; known: {', '.join(fields)}")
    required = [k for k, f in fields.items() if f.default is MISSING]
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
    return cls(**values)


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


def _infer_shapes(arch: Arch, *, source: str = "spec") -> list[LayerShape]:
    shape = arch.input.shape
    bits = arch.input.bits
    seen_linear = False
    result = []
    for index, layer in enumerate(arch.layers):
        where = f"{source}: layer {index} ({_LAYER_NAMES[type(layer)]})"
        if isinstance(layer, (Conv, MaxPool)):
            if len(shape) != 3:
                problem = "follows a linear layer" if seen_linear else "needs an image input"
                raise UserError(f"{where}: {problem}; convolutions and pools must come before linear layers")
            channels, height, width = shape
            if isinstance(layer, Conv):
                stride, pad, kernel = layer.stride, layer.padding, layer.kernel
                if pad >= kernel:
                    raise UserError(f"{where}: padding {pad} must be smaller than the kernel {kernel}")
                if pad and bits == 1:
                    # FINN streams -1/+1 as one bit and pads with the bit 0, i.e. with -1 where the
                    # model pads with 0: the lowered network would compute something else.
                    raise UserError(
                        f"{where}: padding needs an 8-bit input; a binary (-1/+1) feature map has no zero "
                        "to pad with (FINN would pad with -1). Use padding 0 here."
                    )
                out_channels = layer.out
            else:
                stride, pad, kernel = layer.effective_stride, 0, layer.kernel
                out_channels = channels
            out_h = (height + 2 * pad - kernel) // stride + 1
            out_w = (width + 2 * pad - kernel) // stride + 1
            if height + 2 * pad < kernel or width + 2 * pad < kernel or out_h < 1 or out_w < 1:
                raise UserError(
                    f"{where}: kernel {kernel} does not fit the {height}x{width} input "
                    f"(padding {pad}); the feature map would shrink below 1x1"
                )
            out_shape: tuple[int, ...] = (out_channels, out_h, out_w)
            out_bits = 1 if isinstance(layer, Conv) else bits
        else:
            seen_linear = True
            in_features = 1
            for dim in shape:
                in_features *= dim
            out_shape = (layer.out,)
            out_bits = 1
        result.append(LayerShape(index, layer, shape, out_shape, bits))
        shape, bits = out_shape, out_bits
    last = arch.layers[-1]
    if not isinstance(last, Linear):
        raise UserError(f"{source}: the last layer must be linear (it gives the logits), got {_LAYER_NAMES[type(last)]}")
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
