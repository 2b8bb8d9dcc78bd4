"""Read the folded FINN dataflow graph into one context dict per HLS kernel call.

Each supported node type's reader (FINN attributes -> template arguments and parameter tables)
lives in its own module, ``hwnas.codegen.kinds.<type>``, found by the FINN op type it reads
(``readers``); the C++ they feed lives in hls_templates/glue/*.j2 and hls_templates/kernels/.
The graph may branch (DuplicateStreams fans a stream out, ElementwiseAdd and StreamingConcat join
streams): every tensor between two kernels becomes one named stream, and StreamingFIFO nodes
become the depth of the stream they sit on (before a width converter the graph lacks, or after it,
by their word width).
"""

from __future__ import annotations

from hwnas.codegen.kinds import base_op_type, readers, signed_bits
from hwnas.codegen.kinds.dwc import width_converter
from hwnas.errors import UserError

__all__ = ["IN_STREAM", "OUT_STREAM", "base_op_type", "in_widths", "read_layers", "signed_bits", "width_converter"]

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
        reader = readers().get(kind)
        if reader is None:
            raise UserError(f"no HLS template for {node.op_type} (node {node.name})")
        layer = reader.read(model, node, inst)
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
