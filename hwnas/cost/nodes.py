"""The hardware nodes FINN's lowering produces for a spec, in graph order, with FINN's node names.

Every hidden conv/linear becomes an MVAU with embedded thresholds (XNOR-popcount mode when its input
is binary, quantised mode for an 8-bit input); a conv needs a sliding-window unit in front unless it is
a 1x1 stride-1 unpadded conv (lowered straight to a MatMul); a max-pool becomes a depthwise
sliding-window unit plus a Pool node; the last linear is an MVAU without activation followed by
LabelSelect. Specialisation for our binary nets always picks ``MVAU_hls`` (the RTL MVAU needs >= 4-bit
weights and no thresholds), ``ConvolutionInputGenerator_rtl``, ``FMPadding_rtl``, ``Pool_hls`` and
``LabelSelect_hls``, on every part hwnas knows.
"""

from __future__ import annotations

from typing import NamedTuple
from functools import lru_cache

from hwnas.arch.spec import Arch, Conv, Linear, MaxPool
from hwnas.cost.mvau import accumulator_bits
from hwnas.errors import UserError

# Bit widths after FINN's MinimizeWeightBitWidth: XNOR weights are stored as {0, 1} (BINARY);
# bipolar weights of a quantised-input MVAU become INT2 (the smallest type holding -1 and +1 that
# MinimizeWeightBitWidth picks).
XNOR_WEIGHT_BITS = 1
QUANT_WEIGHT_BITS = 2


class MVAU(NamedTuple):
    name: str
    layer: int
    mw: int  # input width (SIMD folds it)
    mh: int  # output channels (PE folds it)
    vectors: int  # input vectors per frame (output pixels for a conv)
    in_bits: int  # 1: binary input (XNOR mode), 8: quantised input
    weight_bits: int
    activation: bool  # embedded thresholds (False only for the last layer)
    acc_bits: int  # accumulator width FINN's LUT model charges (see mvau.accumulator_bits)
    op_type: str = "MVAU_hls"

    @property
    def xnor(self) -> bool:
        return self.in_bits == 1


class SlidingWindow(NamedTuple):
    name: str
    layer: int
    channels: int
    ifm: tuple[int, int]
    ofm: tuple[int, int]
    kernel: int
    stride: int
    in_bits: int
    depthwise: bool  # True in front of a Pool: its SIMD is the Pool's PE
    op_type: str = "ConvolutionInputGenerator_rtl"


class Padding(NamedTuple):
    name: str
    layer: int
    channels: int
    ifm: tuple[int, int]
    padding: int
    in_bits: int
    op_type: str = "FMPadding_rtl"


class Pool(NamedTuple):
    name: str
    layer: int
    channels: int
    kernel: int
    ofm: tuple[int, int]
    in_bits: int
    op_type: str = "Pool_hls"


class LabelSelect(NamedTuple):
    name: str
    layer: int
    labels: int
    op_type: str = "LabelSelect_hls"


# Nodes are typed NamedTuples rather than frozen dataclasses: as immutable, but built three times
# faster, and the search builds twenty of them per architecture it judges.

HwNode = MVAU | SlidingWindow | Padding | Pool | LabelSelect


def hardware_nodes(arch: Arch) -> tuple[HwNode, ...]:
    """The nodes of the folded dataflow graph, cached: the search asks for the same spec often."""
    return _hardware_nodes(arch)


@lru_cache(maxsize=4096)
def _hardware_nodes(arch: Arch) -> tuple[HwNode, ...]:
    counters: dict[str, int] = {}

    def name(op_type: str) -> str:
        # GiveUniqueNodeNames numbers nodes per op type in graph order
        index = counters.get(op_type, 0)
        counters[op_type] = index + 1
        return f"{op_type}_{index}"

    arch.require_chain("the cost model")
    nodes: list[HwNode] = []
    shapes = arch.shapes()
    last = len(shapes) - 1
    for shape in shapes:
        layer, i = shape.layer, shape.index
        if isinstance(layer, Conv):
            channels, height, width = shape.in_shape
            _, out_h, out_w = shape.out_shape
            if layer.padding:
                nodes.append(Padding(name("FMPadding_rtl"), i, channels, (height, width), layer.padding, shape.in_bits))
                height, width = height + 2 * layer.padding, width + 2 * layer.padding
            if layer.kernel > 1 or layer.stride > 1 or layer.padding:
                nodes.append(
                    SlidingWindow(name("ConvolutionInputGenerator_rtl"), i, channels, (height, width), (out_h, out_w),
                                  layer.kernel, layer.stride, shape.in_bits, depthwise=False)
                )
            nodes.append(_mvau(name, i, layer.kernel * layer.kernel * channels, layer.out, out_h * out_w,
                               shape.in_bits, activation=True))
        elif isinstance(layer, MaxPool):
            channels, height, width = shape.in_shape
            _, out_h, out_w = shape.out_shape
            if layer.kernel < layer.effective_stride:
                raise UserError(
                    f"{arch.name}: layer {i} (maxpool) has a stride larger than its kernel; FINN lowers only "
                    "pools whose kernel is at least the stride"
                )
            nodes.append(
                SlidingWindow(name("ConvolutionInputGenerator_rtl"), i, channels, (height, width), (out_h, out_w),
                              layer.kernel, layer.effective_stride, shape.in_bits, depthwise=True)
            )
            nodes.append(Pool(name("Pool_hls"), i, channels, layer.kernel, (out_h, out_w), shape.in_bits))
        elif isinstance(layer, Linear):
            features = 1
            for dim in shape.in_shape:
                features *= dim
            nodes.append(_mvau(name, i, features, layer.out, 1, shape.in_bits, activation=i != last))
    nodes.append(LabelSelect(name("LabelSelect_hls"), last, arch.classes))
    return tuple(nodes)


def _mvau(name, layer: int, mw: int, mh: int, vectors: int, in_bits: int, *, activation: bool) -> MVAU:
    weight_bits = XNOR_WEIGHT_BITS if in_bits == 1 else QUANT_WEIGHT_BITS
    acc_bits = accumulator_bits(mw, in_bits, weight_bits)
    return MVAU(name("MVAU_hls"), layer, mw, mh, vectors, in_bits, weight_bits, activation, acc_bits)
