"""Read the folded FINN dataflow graph into one context dict per HLS kernel call.

Each supported node kind has one function here (FINN attributes -> template arguments and
parameter tables); the C++ they feed lives in hls_templates/glue/*.j2 and hls_templates/kernels/.
The graph may branch (DuplicateStreams fans a stream out, ElementwiseAdd and StreamingConcat join
streams): every tensor between two kernels becomes one named stream, and StreamingFIFO nodes
become the depth of the stream they sit on (before a width converter the graph lacks, or after it,
by their word width).
"""

from __future__ import annotations

import numpy as np

from hwnas.codegen.params import mvau_weight_words, threshold_table
from hwnas.errors import UserError

_SUFFIXES = ("_hls", "_rtl")


def base_op_type(op_type: str) -> str:
    for suffix in _SUFFIXES:
        if op_type.endswith(suffix):
            return op_type[: -len(suffix)]
    return op_type


def _elem(dt) -> tuple[int, bool]:
    """Bits and signedness of a stream element; bipolar values travel as unsigned bits."""
    from qonnx.core.datatype import DataType

    if dt == DataType["BIPOLAR"]:
        return 1, False
    if not dt.is_integer():
        raise UserError(f"C++ generation supports integer streams only, found {dt.name}")
    return dt.bitwidth(), dt.signed()


def signed_bits(lo: int, hi: int) -> int:
    """Smallest two's-complement width holding every integer in [lo, hi]."""
    bits = 2
    while not (-(1 << (bits - 1)) <= lo and hi <= (1 << (bits - 1)) - 1):
        bits += 1
    return bits


def _vectors(inst) -> int:
    return int(np.prod(inst.get_nodeattr("numInputVectors")))


def _mvau(model, node, inst) -> dict:
    from qonnx.core.datatype import DataType

    from hwnas.hw.mvau import accumulator_range

    mw, mh = inst.get_nodeattr("MW"), inst.get_nodeattr("MH")
    pe, simd = inst.get_nodeattr("PE"), inst.get_nodeattr("SIMD")
    idt, wdt, odt = inst.get_input_datatype(0), inst.get_input_datatype(1), inst.get_output_datatype()
    weights = model.get_initializer(node.input[1])
    xnor = bool(inst.get_nodeattr("binaryXnorMode"))
    if not xnor and idt == DataType["BIPOLAR"] and wdt == DataType["BIPOLAR"]:
        xnor = True  # FINN computes this case as XNOR-popcount of the 0/1 encodings too
        weights = (weights + 1) / 2
    if xnor:
        in_bits, in_signed = 1, False
        acc_lo, acc_hi = accumulator_range(mw, xnor=True, largest_input=1)
        weight_words = mvau_weight_words(weights, pe=pe, simd=simd, bipolar=False)
    else:
        # FINN's MinimizeWeightBitWidth may retype bipolar weights as INT2; the values still are -1/+1
        if wdt != DataType["BIPOLAR"] and not np.isin(weights, (-1, 1)).all():
            raise UserError(f"{node.name}: C++ generation supports bipolar (-1/+1) weights only, found {wdt.name}")
        in_bits, in_signed = _elem(idt)
        largest = max(abs(int(idt.min())), abs(int(idt.max())))
        acc_lo, acc_hi = accumulator_range(mw, xnor=False, largest_input=largest)
        weight_words = mvau_weight_words(weights, pe=pe, simd=simd, bipolar=True)
    out_bits, _ = _elem(odt)
    context = dict(
        kind="mvau", mw=mw, mh=mh, pe=pe, simd=simd, vectors=_vectors(inst), in_bits=in_bits,
        in_signed=in_signed, xnor=xnor, out_bits=out_bits, weight_words=weight_words.tolist(),
        tiles=weight_words.shape[1], thresholds=None, in_width=simd * in_bits, out_width=pe * out_bits,
        out_words=_vectors(inst) * (mh // pe),
    )
    if not inst.get_nodeattr("noActivation"):
        table = threshold_table(model.get_initializer(node.input[2]), channels=mh, pe=pe)
        # Thresholds below (above) the accumulator's range always (never) fire; clipping them to
        # acc_lo (acc_hi + 1) keeps the function and bounds the comparison width.
        table = np.clip(table, acc_lo, acc_hi + 1)
        context["thresholds"] = table.tolist()
        context["steps"] = table.shape[2]
        context["bias"] = 0 if odt == DataType["BIPOLAR"] else int(inst.get_nodeattr("ActVal"))
    context["acc_bits"] = signed_bits(acc_lo, acc_hi + 1)
    return context


def _thresholding(model, node, inst) -> dict:
    from qonnx.core.datatype import DataType

    idt = inst.get_input_datatype(0)
    if idt == DataType["BIPOLAR"]:
        raise UserError(f"{node.name}: thresholding a bipolar stream is not supported")
    channels, pe = inst.get_nodeattr("NumChannels"), inst.get_nodeattr("PE")
    in_bits, in_signed = _elem(idt)
    lo, hi = int(idt.min()), int(idt.max())
    table = np.clip(threshold_table(model.get_initializer(node.input[1]), channels=channels, pe=pe), lo, hi + 1)
    out_bits = _elem(inst.get_output_datatype())[0]
    return dict(
        kind="thresholding", channels=channels, pe=pe, vectors=_vectors(inst), in_bits=in_bits,
        in_signed=in_signed, steps=table.shape[2], out_bits=out_bits,
        bias=0 if inst.get_output_datatype() == DataType["BIPOLAR"] else int(inst.get_nodeattr("ActVal")),
        thresholds=table.tolist(), thr_bits=signed_bits(lo, hi + 1), in_width=pe * in_bits, out_width=pe * out_bits,
        out_words=_vectors(inst) * (channels // pe),
    )


def _swg(model, node, inst) -> dict:
    if inst.get_nodeattr("depthwise") and not _feeds_pool(model, node):
        raise UserError(f"{node.name}: a depthwise sliding window only feeds pooling in hwnas's designs")
    ifm_h, ifm_w = inst.get_nodeattr("IFMDim")
    ofm_h, ofm_w = inst.get_nodeattr("OFMDim")
    k_h, k_w = inst.get_nodeattr("ConvKernelDim")
    s_h, s_w = inst.get_nodeattr("Stride")
    d_h, d_w = inst.get_nodeattr("Dilation")
    simd, bits = inst.get_nodeattr("SIMD"), _elem(inst.get_input_datatype())[0]
    channels = inst.get_nodeattr("IFMChannels")
    parallel = bool(inst.get_nodeattr("parallel_window"))
    # parallel_window=1 sends a whole window of SIMD channels per word (FINN's folded output shape)
    group = k_h * k_w if parallel else 1
    return dict(
        kind="swg", channels=channels, ifm_h=ifm_h, ifm_w=ifm_w, ofm_h=ofm_h, ofm_w=ofm_w, k_h=k_h, k_w=k_w,
        s_h=s_h, s_w=s_w, d_h=d_h, d_w=d_w, simd=simd, bits=bits, parallel=parallel,
        in_width=simd * bits, out_width=group * simd * bits,
        out_words=ofm_h * ofm_w * k_h * k_w * (channels // simd) // group,
    )


def _feeds_pool(model, node) -> bool:
    consumers = model.find_consumers(node.output[0]) or []
    return all(base_op_type(c.op_type) in ("Pool", "StreamingFIFO", "StreamingDataWidthConverter") for c in consumers)


def _pool(model, node, inst) -> dict:
    if inst.get_nodeattr("Function") != "MaxPool":
        raise UserError(f"{node.name}: only max pooling is supported, found {inst.get_nodeattr('Function')}")
    k = inst.get_nodeattr("KernelSize")
    bits, signed = _elem(inst.get_input_datatype())
    pixels = int(np.prod(inst.get_nodeattr("OutImgDims"))) * inst.get_nodeattr("BatchSize")
    pe = inst.get_nodeattr("PE")
    return dict(
        kind="pool", channels=inst.get_nodeattr("Channels"), pe=pe, k2=int(np.prod(k)), pixels=pixels, bits=bits,
        signed=signed, in_width=pe * bits, out_width=pe * bits,
        out_words=pixels * (inst.get_nodeattr("Channels") // pe),
    )


def _fmpadding(model, node, inst) -> dict:
    h, w = inst.get_nodeattr("ImgDim")
    top, left, bottom, right = inst.get_nodeattr("Padding")
    simd, bits = inst.get_nodeattr("SIMD"), _elem(inst.get_input_datatype())[0]
    return dict(
        kind="fmpadding", in_h=h, in_w=w, top=top, left=left, bottom=bottom, right=right,
        channels=inst.get_nodeattr("NumChannels"), simd=simd, bits=bits, in_width=simd * bits, out_width=simd * bits,
        out_words=(h + top + bottom) * (w + left + right) * (inst.get_nodeattr("NumChannels") // simd),
    )


def _labelselect(model, node, inst) -> dict:
    if inst.get_nodeattr("K") != 1:
        raise UserError(f"{node.name}: the generated design selects the top-1 label; K={inst.get_nodeattr('K')}")
    bits, signed = _elem(inst.get_input_datatype())
    pe, out_bits = inst.get_nodeattr("PE"), _elem(inst.get_output_datatype())[0]
    return dict(
        kind="labelselect", labels=inst.get_nodeattr("Labels"), pe=pe, bits=bits, signed=signed,
        out_bits=out_bits, in_width=pe * bits, out_width=out_bits, out_words=1,
    )


def _dwc(model, node, inst) -> dict:
    in_width, out_width = inst.get_nodeattr("inWidth"), inst.get_nodeattr("outWidth")
    total_bits = int(np.prod(inst.get_nodeattr("inShape"))) * inst.get_input_datatype().bitwidth()
    return width_converter(in_width, out_width, total_bits // in_width)


def _duplicate(model, node, inst) -> dict:
    pe, channels = inst.get_nodeattr("PE"), inst.get_nodeattr("NumChannels")
    outputs = inst.get_nodeattr("NumOutputStreams")
    width = pe * _elem(inst.get_input_datatype())[0]
    return dict(
        kind="duplicate", branches=outputs, in_width=width, out_width=width,
        out_words=_vectors(inst) * (channels // pe),
    )


def _add(model, node, inst) -> dict:
    from qonnx.core.datatype import DataType

    if inst.get_nodeattr("lhs_style") != "input" or inst.get_nodeattr("rhs_style") != "input":
        raise UserError(f"{node.name}: the generated design adds two streams, not a constant")
    if list(inst.get_nodeattr("lhs_shape")) != list(inst.get_nodeattr("rhs_shape")):
        raise UserError(f"{node.name}: the generated design adds streams of one shape (no broadcasting)")
    types = [inst.get_input_datatype(0), inst.get_input_datatype(1)]
    if DataType["BIPOLAR"] in types:
        # a bipolar stream carries 0/1 codes for -1/+1: hwnas requantises it onto the grid first
        raise UserError(f"{node.name}: adding a bipolar stream is not supported; threshold it onto an integer grid")
    (lhs_bits, lhs_signed), (rhs_bits, rhs_signed) = (_elem(t) for t in types)
    out_bits = _elem(inst.get_output_datatype())[0]
    pe = inst.get_nodeattr("PE")
    *vectors, channels = inst.get_nodeattr("out_shape")
    words = int(np.prod(vectors)) * channels // pe
    return dict(
        kind="add", pe=pe, words=words, lhs_bits=lhs_bits, lhs_signed=lhs_signed, rhs_bits=rhs_bits,
        rhs_signed=rhs_signed, out_bits=out_bits, in_widths=[pe * lhs_bits, pe * rhs_bits], in_width=pe * lhs_bits,
        out_width=pe * out_bits, out_words=words,
    )


def _concat(model, node, inst) -> dict:
    from qonnx.core.datatype import DataType

    channels = list(inst.get_nodeattr("ChannelsPerStream"))
    if len(channels) not in (2, 3):
        raise UserError(f"{node.name}: the generated design concatenates 2 or 3 streams, not {len(channels)}")
    simd = inst.get_nodeattr("SIMD")
    types = [inst.get_input_datatype(i) for i in range(len(channels))]
    out_type = inst.get_output_datatype()
    if DataType["BIPOLAR"] in types and any(t != DataType["BIPOLAR"] for t in types + [out_type]):
        raise UserError(f"{node.name}: concatenating a bipolar stream with integers is not supported")
    ins = [dict(channels=c, bits=_elem(t)[0], signed=_elem(t)[1]) for c, t in zip(channels, types)]
    out_bits = _elem(out_type)[0]
    vectors = _vectors(inst)
    return dict(
        kind="concat", simd=simd, vectors=vectors, ins=ins, out_bits=out_bits,
        in_widths=[simd * i["bits"] for i in ins], in_width=simd * ins[0]["bits"], out_width=simd * out_bits,
        out_words=vectors * sum(channels) // simd,
    )


def width_converter(in_width: int, out_width: int, in_words: int) -> dict:
    return dict(
        kind="dwc", in_width=in_width, out_width=out_width, in_words=in_words,
        out_words=in_words * in_width // out_width,
    )


_KINDS = {
    "MVAU": _mvau,
    "Thresholding": _thresholding,
    "ConvolutionInputGenerator": _swg,
    "Pool": _pool,
    "FMPadding": _fmpadding,
    "LabelSelect": _labelselect,
    "StreamingDataWidthConverter": _dwc,
    "DuplicateStreams": _duplicate,
    "ElementwiseAdd": _add,
    "StreamingConcat": _concat,
}


IN_STREAM, OUT_STREAM = "in_words", "out_classes"


def in_widths(layer: dict) -> list[int]:
    """The width of each input port of a kernel call (one port unless it joins streams)."""
    return layer.get("in_widths", [layer["in_width"]])


class _Streams:
    """The named streams of the top as the graph walk creates them: the DMA's words in first,
    then each kernel output in graph order, s1, s2, ...; the class stream is out_classes."""

    def __init__(self):
        self.streams: list[dict] = []
        self.by_tensor: dict[str, str] = {}
        self.readers: dict[str, str] = {}

    def new(self, name: str, width: int, words: int) -> str:
        self.streams.append(dict(name=name, width=width, depth=2, words=words, fifo_nodes=[]))
        return name

    def get(self, name: str) -> dict:
        return next(s for s in self.streams if s["name"] == name)


def _dynamic_inputs(model, node) -> list[str]:
    return [t for t in node.input if t and model.get_initializer(t) is None]


def read_layers(model) -> tuple[list[dict], list[dict]]:
    """The kernel calls of a dataflow graph in graph (topological) order, and the streams between them.

    Returns (layers, streams): layer["inputs"] and layer["outputs"] name the streams it reads and
    writes, one per port; each stream is a dict of its name, width in bits, FIFO depth and words
    per frame, streams[0] the input words (in_words), streams[-1] the classes (out_classes).
    """
    from qonnx.custom_op.registry import getCustomOp

    from hwnas.lower.spec_types import with_spec_types

    # graphs lowered elsewhere (or by hwnas before it typed accumulators from the spec) may carry
    # FINN's weight-based types: an XNOR classifier's output too narrow for its popcount
    model = with_spec_types(model)
    graph = model.graph
    if len(graph.input) != 1 or len(graph.output) != 1:
        raise UserError("the dataflow graph must have one input and one output stream")
    layers: list[dict] = []
    streams = _Streams()
    pending_depth: dict[str, dict[int, int]] = {}  # per tensor: StreamingFIFO depth by word width
    pending_fifos: dict[str, list[str]] = {}  # per tensor: the StreamingFIFO nodes on it, in order
    first_input = graph.input[0].name
    for node in graph.node:
        inst = getCustomOp(node)
        kind = base_op_type(node.op_type)
        tensors = _dynamic_inputs(model, node)
        for tensor in tensors:
            if tensor not in streams.by_tensor and tensor != first_input:
                raise UserError(f"{node.name} reads {tensor}, which no earlier node writes")
        if kind == "StreamingFIFO":
            # FIFOs in a row on one tensor: by word width, before and after a width converter
            streams.by_tensor[node.output[0]] = streams.by_tensor.get(tensors[0])
            depths = dict(pending_depth.get(tensors[0], {}))
            width = inst.get_instream_width()
            depths[width] = max(depths.get(width, 2), int(inst.get_nodeattr("depth")))
            pending_depth[node.output[0]] = depths
            pending_fifos[node.output[0]] = pending_fifos.get(tensors[0], []) + [node.name]
            continue
        if kind not in _KINDS:
            raise UserError(f"no HLS template for {node.op_type} (node {node.name})")
        layer = _KINDS[kind](model, node, inst)
        layer["node"] = node.name
        inputs = []
        for tensor, width in zip(tensors, in_widths(layer), strict=True):
            if tensor == first_input and not streams.streams:
                streams.new(IN_STREAM, width, 0)
            name = streams.by_tensor.get(tensor, IN_STREAM)
            stream = streams.get(name)
            fifos = pending_depth.get(tensor, {})
            stream["depth"] = max(stream["depth"], fifos.get(stream["width"], 2))
            stream["fifo_nodes"] += pending_fifos.get(tensor, [])
            if name in streams.readers:
                raise UserError(f"{node.name} and {streams.readers[name]} both read {tensor}; fan-out needs DuplicateStreams")
            streams.readers[name] = node.name
            if stream["width"] != width:
                # widths differ and the graph has no converter here: add one, as FINN's InsertDWC would
                converter = width_converter(stream["width"], width, stream["words"])
                converter["node"] = f"(width converter before {node.name})"
                name = _append(layers, streams, converter, "StreamingDataWidthConverter", [name])[0]
                streams.readers[name] = node.name
                converted = streams.get(name)
                converted["depth"] = max(converted["depth"], fifos.get(width, 2))
            inputs.append(name)
        outputs = _append(layers, streams, layer, kind, inputs)
        for tensor, name in zip(node.output, outputs, strict=True):
            streams.by_tensor[tensor] = name
    if not layers or layers[-1]["kind"] != "labelselect":
        raise UserError("the dataflow graph must end in LabelSelect (top-1 class) for the generated design")
    if streams.by_tensor.get(graph.output[0].name) != layers[-1]["outputs"][0]:
        raise UserError("the dataflow graph's output must be its LabelSelect's")
    unread = [s["name"] for s in streams.streams[:-1] if s["name"] not in streams.readers]
    if unread:
        raise UserError(f"streams {', '.join(unread)} have no reader in the dataflow graph")
    streams.streams[-1]["name"] = OUT_STREAM
    layers[-1]["outputs"] = [OUT_STREAM]
    return layers, streams.streams


def _append(layers: list[dict], streams: _Streams, layer: dict, kind: str, inputs: list[str]) -> list[str]:
    """Add a kernel call reading ``inputs``; returns the names of the streams it writes."""
    layer["name"] = f"layer{len(layers)}_{kind.lower()}"
    layer["inputs"] = inputs
    count = layer.get("branches", 1)
    first = len(streams.streams)
    layer["outputs"] = [
        streams.new(f"s{first + k}", layer["out_width"], layer["out_words"]) for k in range(count)
    ]
    layers.append(layer)
    return layer["outputs"]
