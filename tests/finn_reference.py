"""FINN's own numbers for the hardware nodes hwnas's cost model describes, for agreement checks.

A test oracle, kept out of the package: it imports FINN inside its functions; the tests and the
benchmarks (run with PYTHONPATH=.) use it, the cost path never does. It builds FINN's generic
hardware-layer graph for the node list of a spec, with random balanced binary weights standing in for trained ones, and runs FINN's own passes on it:
SpecializeLayers for the board's part, MinimizeWeightBitWidth and MinimizeAccumulatorWidth followed
by hwnas's accumulator types from the spec (as the lowering's minimise step does), then ApplyConfig
(or SetFolding), res_estimation and exp_cycles_per_layer.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hwnas.hw import MVAU, HwNode, LabelSelect, Padding, Pool, SlidingWindow

_DOMAIN = "finn.custom_op.fpgadataflow"


@dataclass(frozen=True)
class FinnNumbers:
    cycles: dict[str, int]
    resources: dict[str, dict[str, float]]  # node -> {"LUT", "BRAM_18K", "URAM", "DSP"}
    folding: dict[str, dict]  # node -> {"PE": .., "SIMD": ..}, as FINN's graph holds it

    @property
    def bottleneck(self) -> str:
        return max(self.cycles, key=self.cycles.__getitem__)

    def total(self, key: str) -> float:
        return sum(r[key] for r in self.resources.values())


def finn_graph(hw_nodes: tuple[HwNode, ...], part: str, *, seed: int = 0):
    """FINN's specialised, bit-width-minimised hardware graph for these nodes (fully folded)."""
    from onnx import TensorProto, helper
    from qonnx.core.datatype import DataType
    from qonnx.core.modelwrapper import ModelWrapper
    from qonnx.transformation.infer_datatypes import InferDataTypes
    from qonnx.util.basic import qonnx_make_model

    from finn.transformation.fpgadataflow.minimize_accumulator_width import MinimizeAccumulatorWidth
    from finn.transformation.fpgadataflow.minimize_weight_bit_width import MinimizeWeightBitWidth
    from finn.transformation.fpgadataflow.specialize_layers import SpecializeLayers

    from hwnas.lower.spec_types import set_spec_types

    rng = np.random.default_rng(seed)
    nodes, value_infos, initializers = [], [], {}
    tensor = "global_in"
    first_shape, first_dtype = _in_shape(hw_nodes[0]), _dtype_name(hw_nodes[0])
    dtypes = {tensor: first_dtype}
    for i, node in enumerate(hw_nodes):
        out = "global_out" if i == len(hw_nodes) - 1 else f"t{i}"
        onnx_node, out_shape, out_dtype, inits = _finn_node(node, tensor, out, rng)
        nodes.append(onnx_node)
        initializers.update(inits)
        if out != "global_out":
            value_infos.append(helper.make_tensor_value_info(out, TensorProto.FLOAT, out_shape))
        else:
            last_shape = out_shape
        dtypes[out] = out_dtype
        tensor = out
    graph = helper.make_graph(
        nodes,
        "hwnas_reference",
        [helper.make_tensor_value_info("global_in", TensorProto.FLOAT, first_shape)],
        [helper.make_tensor_value_info("global_out", TensorProto.FLOAT, last_shape)],
        value_info=value_infos,
    )
    model = ModelWrapper(qonnx_make_model(graph, producer_name="hwnas"))
    for name, (array, dtype) in initializers.items():
        model.set_initializer(name, array)
        model.set_tensor_datatype(name, DataType[dtype])
    for name, dtype in dtypes.items():
        model.set_tensor_datatype(name, DataType[dtype])
    model = model.transform(SpecializeLayers(part))
    model = model.transform(MinimizeWeightBitWidth())
    model = model.transform(MinimizeAccumulatorWidth())
    model, _ = set_spec_types(model)
    return model.transform(InferDataTypes())


def finn_numbers(model, part: str, *, folding_config: dict | None = None, target_cycles: int | None = None) -> FinnNumbers:
    """Fold the graph (our config through ApplyConfig, or FINN's SetFolding) and read FINN's estimates."""
    from qonnx.custom_op.registry import getCustomOp

    from finn.analysis.fpgadataflow.exp_cycles_per_layer import exp_cycles_per_layer
    from finn.analysis.fpgadataflow.res_estimation import res_estimation
    from finn.transformation.fpgadataflow.set_folding import SetFolding
    from finn.transformation.general import ApplyConfig

    if folding_config is not None:
        model = model.transform(ApplyConfig(folding_config))
    if target_cycles is not None:
        model = model.transform(SetFolding(target_cycles_per_frame=target_cycles))
    folding = {}
    for node in model.graph.node:
        inst = getCustomOp(node)
        attrs = {k: inst.get_nodeattr(k) for k in ("PE", "SIMD", "parallel_window") if k in inst.get_nodeattr_types()}
        folding[node.name] = attrs
    resources = {
        name: {k: r[k] for k in ("LUT", "BRAM_18K", "URAM", "DSP")} for name, r in model.analysis(lambda m: res_estimation(m, part)).items()
    }
    return FinnNumbers(cycles=model.analysis(exp_cycles_per_layer), resources=resources, folding=folding)


def _in_shape(node: HwNode) -> list[int]:
    if isinstance(node, MVAU):
        return [1, node.mw] if node.vectors == 1 else [1, *_square(node.vectors), node.mw]
    if isinstance(node, (SlidingWindow, Padding)):
        return [1, *node.ifm, node.channels]
    raise ValueError(f"a network does not start with {node!r}")


def _square(vectors: int) -> tuple[int, int]:
    side = int(round(vectors**0.5))
    assert side * side == vectors, "hwnas's feature maps are square"
    return side, side


def _dtype_name(node: HwNode) -> str:
    return "BINARY" if node.in_bits == 1 else "UINT8"


def _finn_node(node: HwNode, inp: str, out: str, rng: np.random.Generator):
    from onnx import helper

    common = {"domain": _DOMAIN, "backend": "fpgadataflow", "name": node.name}
    bits_dtype = "BINARY" if getattr(node, "in_bits", 1) == 1 else "UINT8"
    if isinstance(node, MVAU):
        # random signs stand in for trained binary weights
        signs = rng.choice(np.array([-1.0, 1.0]), size=(node.mw, node.mh))
        vectors = [1] if node.vectors == 1 else [1, *_square(node.vectors)]
        inputs = [inp, f"{node.name}_w"]
        if node.xnor:
            weights, wdt = (signs + 1) / 2, "BINARY"
        else:
            weights, wdt = signs, "BIPOLAR"
        inits = {f"{node.name}_w": (weights.astype(np.float32), wdt)}
        attrs = dict(
            MW=node.mw, MH=node.mh, SIMD=1, PE=1, inputDataType=bits_dtype, weightDataType=wdt,
            binaryXnorMode=int(node.xnor), numInputVectors=vectors,
        )
        if node.activation:
            inputs.append(f"{node.name}_t")
            thresholds = np.full((node.mh, 1), node.mw // 2 if node.xnor else 0, dtype=np.float32)
            inits[f"{node.name}_t"] = (thresholds, "INT32")
            attrs.update(outputDataType="BINARY", noActivation=0, ActVal=0)
            out_dtype = "BINARY"
        else:
            attrs.update(outputDataType="INT32", noActivation=1)
            out_dtype = "INT32"
        onnx_node = helper.make_node("MVAU", inputs, [out], **common, **attrs)
        return onnx_node, [*vectors, node.mh], out_dtype, inits
    if isinstance(node, SlidingWindow):
        k, s = node.kernel, node.stride
        onnx_node = helper.make_node(
            "ConvolutionInputGenerator", [inp], [out], **common,
            ConvKernelDim=[k, k], IFMChannels=node.channels, IFMDim=list(node.ifm), OFMDim=list(node.ofm),
            SIMD=1, Stride=[s, s], Dilation=[1, 1], inputDataType=bits_dtype, outputDataType=bits_dtype,
            depthwise=int(node.depthwise),
        )
        return onnx_node, [1, *node.ofm, k * k * node.channels], bits_dtype, {}
    if isinstance(node, Padding):
        p = node.padding
        onnx_node = helper.make_node(
            "FMPadding", [inp], [out], **common, ImgDim=list(node.ifm), Padding=[p, p, p, p],
            NumChannels=node.channels, SIMD=1, inputDataType=bits_dtype, outputDataType=bits_dtype, numInputVectors=1,
        )
        return onnx_node, [1, node.ifm[0] + 2 * p, node.ifm[1] + 2 * p, node.channels], bits_dtype, {}
    if isinstance(node, Pool):
        onnx_node = helper.make_node(
            "Pool", [inp], [out], **common, Channels=node.channels, PE=1, KernelSize=[node.kernel, node.kernel],
            Function="MaxPool", OutImgDims=list(node.ofm), InputDataType=bits_dtype, OutputDataType=bits_dtype,
        )
        return onnx_node, [1, *node.ofm, node.channels], bits_dtype, {}
    if isinstance(node, LabelSelect):
        onnx_node = helper.make_node(
            "LabelSelect", [inp], [out], **common, Labels=node.labels, PE=1, K=1, inputDataType="INT32",
            outputDataType="UINT8" if node.labels < 256 else "UINT16", numInputVectors=[1],
        )
        return onnx_node, [1, 1], "UINT8", {}
    raise TypeError(f"unknown node {node!r}")


def lowering_differences(ours, finn: dict) -> list[str]:
    """Where the cost model's estimate ``ours`` (a NetworkEstimate) and FINN's estimates of the real
    lowering (``finn_estimates.json``, read) differ: ``node list``, ``NODE.op_type`` / ``.cycles`` /
    ``.lut`` / ``.bram18``, ``fifo list`` and each FIFO's ``.lut`` / ``.bram18`` / ``.uram``, ``total.lut`` / ``total.bram18``, ``bottleneck``, ``fps``. Empty when they
    agree exactly (fps to float rounding)."""
    import math

    from hwnas.cost.fifos import OP_TYPE as FIFO

    theirs_nodes = [n for n in finn["nodes"] if n["op_type"] != FIFO]
    theirs_fifos = [n for n in finn["nodes"] if n["op_type"] == FIFO]
    if [e.name for e in ours.nodes] != [n["name"] for n in theirs_nodes]:
        return ["node list"]
    if sorted(f.name for f in ours.fifos) != sorted(n["name"] for n in theirs_fifos):
        return ["fifo list"]
    differing = []
    for e, theirs in zip(ours.nodes, theirs_nodes):
        mine = dict(op_type=e.node.op_type, cycles=e.cost.cycles_per_frame, lut=e.cost.lut, bram18=e.cost.bram18)
        differing += [f"{e.name}.{key}" for key, value in mine.items() if value != theirs[key]]
    by_name = {n["name"]: n for n in theirs_fifos}
    for fifo in ours.fifos:
        mine = dict(cycles=0, lut=fifo.lut, bram18=fifo.bram18, uram=fifo.uram)
        differing += [f"{fifo.name}.{key}" for key, value in mine.items() if value != by_name[fifo.name][key]]
    differing += [f"total.{key}" for key in ("lut", "bram18") if getattr(ours, key) != finn["total"][key]]
    if ours.bottleneck != finn["bottleneck"]["name"]:
        differing.append("bottleneck")
    if not math.isclose(ours.fps, finn["fps"], rel_tol=1e-6):
        differing.append("fps")
    return differing
