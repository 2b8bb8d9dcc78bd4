"""The lowering as an ordered list of steps ``step(model, ctx) -> model`` over FINN's transformations.

The order follows FINN's own builder (``finn.builder.build_dataflow_steps``), which hwnas cannot use
because it needs Vivado; each step here is a handful of transformations, and the pipeline saves the
model after each one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from hwnas.arch.spec import Arch
from hwnas.board import Board
from hwnas.cost.folding import Folding


@dataclass(frozen=True)
class LowerContext:
    arch: Arch
    board: Board
    out_dir: Path
    folding: Path | Folding | None  # a file, or the object a search chose
    fps: float | None


def qonnx_to_finn(model, ctx: LowerContext):
    from finn.transformation.qonnx.convert_qonnx_to_finn import ConvertQONNXtoFINN

    return model.transform(ConvertQONNXtoFINN())


def tidy_up(model, ctx: LowerContext):
    from qonnx.transformation.fold_constants import FoldConstants
    from qonnx.transformation.general import GiveReadableTensorNames, GiveUniqueNodeNames, RemoveStaticGraphInputs
    from qonnx.transformation.infer_datatypes import InferDataTypes
    from qonnx.transformation.infer_shapes import InferShapes

    for transformation in (
        InferShapes(), FoldConstants(), GiveUniqueNodeNames(), GiveReadableTensorNames(), InferDataTypes(),
        RemoveStaticGraphInputs(),
    ):
        model = model.transform(transformation)
    return model


def preprocess_input(model, ctx: LowerContext):
    """Declare what the hardware reads and add the top-1 output.

    The model takes integer pixels (or -1/+1) directly, so there is no preprocessing graph to merge
    as in FINN's examples (which divide by 255 there): annotating the input as UINT8 or BIPOLAR
    is what lets FINN keep the first layer integer, or turn it into an XNOR popcount.
    """
    from qonnx.core.datatype import DataType
    from qonnx.transformation.infer_datatypes import InferDataTypes
    from qonnx.transformation.insert_topk import InsertTopK

    from hwnas.lower.bipolar_input import insert_bipolar_input_threshold

    input_name = model.graph.input[0].name
    if ctx.arch.input.bits == 8:
        model.set_tensor_datatype(input_name, DataType["UINT8"])
    elif model.find_consumer(input_name).op_type == "MatMul":
        # FINN's XNOR conversion handles a MatMul on the graph input itself (it re-reads it as BINARY)
        model.set_tensor_datatype(input_name, DataType["BIPOLAR"])
    else:
        model = insert_bipolar_input_threshold(model)
    model = model.transform(InsertTopK(k=1))
    return model.transform(InferDataTypes())


def streamline(model, ctx: LowerContext):
    import finn.transformation.streamline.absorb as absorb
    from finn.transformation.streamline import Streamline
    from finn.transformation.streamline.reorder import MakeMaxPoolNHWC, MoveTransposePastFork
    from qonnx.transformation.bipolar_to_xnor import ConvertBipolarMatMulToXnorPopcount
    from qonnx.transformation.general import RemoveUnusedTensors
    from qonnx.transformation.infer_data_layouts import InferDataLayouts
    from qonnx.transformation.lower_convs_to_matmul import LowerConvsToMatMul

    from hwnas.kinds import finn_transformations, prepare_for_streamlining
    from hwnas.lower.bipolar_input import remove_binary_input_threshold
    from hwnas.blocks.bipolar_fork import clip_thresholds_on_bits, remove_bit_identities, split_bipolar_forks
    from hwnas.lower.bipolar_padding import fold_bipolar_pads_into_convs

    model = split_bipolar_forks(prepare_for_streamlining(fold_bipolar_pads_into_convs(model)))
    model = model.transform(absorb.AbsorbScalarBiasIntoMultiThreshold())
    model = model.transform(Streamline())
    if model.get_nodes_by_op_type("Conv"):
        for transformation in (
            LowerConvsToMatMul(), MakeMaxPoolNHWC(), absorb.AbsorbTransposeIntoMultiThreshold(), MakeMaxPoolNHWC(),
            absorb.AbsorbConsecutiveTransposes(),
        ):
            model = model.transform(transformation)
    for transformation in (
        ConvertBipolarMatMulToXnorPopcount(), Streamline(), absorb.AbsorbScalarMulAddIntoTopK(), InferDataLayouts(),
        RemoveUnusedTensors(),
    ):
        model = model.transform(transformation)
    # Branches leave NCHW<->NHWC transposes around forks and adds; these moves (from finn-plus's
    # ResNet steps), repeated until nothing moves, cancel them. A chain has no fork or join, so they
    # leave it untouched.
    before = None
    while before != model.model.SerializeToString():
        before = model.model.SerializeToString()
        for transformation in (
            MoveTransposePastFork(), *finn_transformations("moves"), absorb.AbsorbTransposeIntoMultiThreshold(),
            absorb.AbsorbConsecutiveTransposes(), MakeMaxPoolNHWC(),
        ):
            model = model.transform(transformation)
    model = model.transform(InferDataLayouts())
    return clip_thresholds_on_bits(remove_bit_identities(remove_binary_input_threshold(model)))


def convert_to_hw(model, ctx: LowerContext):
    import finn.transformation.streamline.absorb as absorb
    from finn.transformation.fpgadataflow.convert_to_hw.binary_matrix_vector_activation import (
        InferBinaryMatrixVectorActivation,
    )
    from finn.transformation.fpgadataflow.convert_to_hw.conv_inp_gen import InferConvInpGen
    from finn.transformation.fpgadataflow.convert_to_hw.duplicate_streams import InferDuplicateStreamsLayer
    from finn.transformation.fpgadataflow.convert_to_hw.fm_padding import InferFMPadding
    from finn.transformation.fpgadataflow.convert_to_hw.label_select import InferLabelSelectLayer
    from finn.transformation.fpgadataflow.convert_to_hw.pool import InferPool
    from finn.transformation.fpgadataflow.convert_to_hw.quantized_matrix_vector_activation import (
        InferQuantizedMatrixVectorActivation,
    )
    from finn.transformation.fpgadataflow.convert_to_hw.thresholding import InferThresholdingLayer
    from finn.transformation.move_reshape import RemoveCNVtoFCFlatten
    from qonnx.transformation.general import GiveUniqueNodeNames
    from qonnx.transformation.infer_data_layouts import InferDataLayouts
    from qonnx.transformation.infer_datatypes import InferDataTypes
    from qonnx.transformation.infer_shapes import InferShapes

    from hwnas.kinds import finn_transformations

    # after the chain's conversions: the kinds' own (an add's ElementwiseAdd, ...) and
    # DuplicateStreams for forks, none of which a chain has
    for transformation in (
        InferBinaryMatrixVectorActivation(), InferQuantizedMatrixVectorActivation(), InferLabelSelectLayer(),
        InferThresholdingLayer(), InferFMPadding(), InferPool(), InferConvInpGen(), RemoveCNVtoFCFlatten(),
        absorb.AbsorbConsecutiveTransposes(), *finn_transformations("to_hw"), InferDuplicateStreamsLayer(),
        # again: a linear reading a concat's map finds a hardware producer only now the concat is one
        RemoveCNVtoFCFlatten(), GiveUniqueNodeNames(), InferDataLayouts(), InferDataTypes(), InferShapes(),
    ):
        model = model.transform(transformation)
    return model


def create_dataflow_partition(model, ctx: LowerContext):
    from finn.transformation.fpgadataflow.create_dataflow_partition import CreateDataflowPartition
    from qonnx.core.modelwrapper import ModelWrapper
    from qonnx.custom_op.registry import getCustomOp

    # The only non-hardware node allowed is the NCHW -> NHWC transpose of the input, which the
    # host does before streaming pixels in (FINN's builder allows such nodes at the graph's ends).
    nodes = list(model.graph.node)
    unmapped = [n for n in nodes if not n.domain.startswith("finn.custom_op.fpgadataflow")]
    host_side = [n for n in unmapped if n is nodes[0] and n.op_type == "Transpose"]
    unexpected = [f"{n.name} ({n.op_type})" for n in unmapped if n not in host_side]
    if unexpected:
        # a bug, not a user error: the spec validator should have rejected what FINN cannot map
        raise RuntimeError(f"{ctx.arch.name}: FINN left layers without a hardware implementation: {', '.join(unexpected)}")
    parent = model.transform(CreateDataflowPartition(partition_model_dir=str(ctx.out_dir / "partitions")))
    parent.save(str(ctx.out_dir / "dataflow_parent.onnx"))
    (partition,) = parent.get_nodes_by_op_type("StreamingDataflowPartition")
    return ModelWrapper(getCustomOp(partition).get_nodeattr("model"))


def specialize_layers(model, ctx: LowerContext):
    from finn.transformation.fpgadataflow.specialize_layers import SpecializeLayers
    from qonnx.transformation.general import GiveUniqueNodeNames
    from qonnx.transformation.infer_datatypes import InferDataTypes
    from qonnx.transformation.infer_shapes import InferShapes

    # SpecializeLayers re-sorts the graph, so the order for naming comes after it
    model = _in_canonical_order(model.transform(SpecializeLayers(ctx.board.part)))
    for transformation in (GiveUniqueNodeNames(), InferShapes(), InferDataTypes()):
        model = model.transform(transformation)
    return model


def _in_canonical_order(model):
    """The nodes in the order the cost model names them (``hwnas.cost.nodes.canonical_order``), so
    that GiveUniqueNodeNames gives each node the cost model's name; a chain is already in it."""
    from hwnas.cost.nodes import canonical_order

    nodes = list(model.graph.node)
    producer = {tensor: index for index, node in enumerate(nodes) for tensor in node.output}
    inputs = [tuple(producer[t] for t in node.input if t in producer) for node in nodes]
    (output,) = [producer[t.name] for t in model.graph.output]
    order = canonical_order(inputs, output)
    if len(order) != len(nodes):
        raise RuntimeError(f"{len(nodes) - len(order)} nodes do not lead to the graph's output")
    del model.graph.node[:]
    model.graph.node.extend(nodes[i] for i in order)
    return model


def fold(model, ctx: LowerContext):
    from hwnas.lower.folding import choose_folding

    return choose_folding(model, ctx.board, arch=ctx.arch, folding=ctx.folding, fps=ctx.fps)


def minimize_bit_width(model, ctx: LowerContext):
    from finn.transformation.fpgadataflow.minimize_accumulator_width import MinimizeAccumulatorWidth
    from finn.transformation.fpgadataflow.minimize_weight_bit_width import MinimizeWeightBitWidth
    from finn.transformation.streamline.round_thresholds import RoundAndClipThresholds
    from qonnx.transformation.infer_datatypes import InferDataTypes

    from hwnas.lower.spec_types import set_spec_types

    # finn-plus moved RoundAndClipThresholds out of Streamline(); the order follows its builder's
    # _minimize_bit_width, with one change: MVAU weight and accumulator types come from the spec,
    # not from the weights' values (spec_types.py), and are set before thresholds are clipped to
    # the accumulator's range. FINN's builder minimises weight widths once more at the end; here
    # the spec types are final.
    model = model.transform(MinimizeWeightBitWidth()).transform(MinimizeAccumulatorWidth())
    model, _ = set_spec_types(model)
    for transformation in (InferDataTypes(), RoundAndClipThresholds(), InferDataTypes()):
        model = model.transform(transformation)
    # some of FINN's passes re-sort a branching graph topologically; keep the cost model's order
    return _in_canonical_order(model)


def insert_fifos(model, ctx: LowerContext):
    from hwnas.lower.fifos import insert_fifos as insert

    return insert(model, ctx.arch, ctx.board)


Step = Callable[..., object]
STEPS: tuple[tuple[str, Step], ...] = (
    ("qonnx_to_finn", qonnx_to_finn),
    ("tidy_up", tidy_up),
    ("preprocess_input", preprocess_input),
    ("streamline", streamline),
    ("convert_to_hw", convert_to_hw),
    ("create_dataflow_partition", create_dataflow_partition),
    ("specialize_layers", specialize_layers),
    ("fold", fold),
    ("minimize_bit_width", minimize_bit_width),
    ("insert_fifos", insert_fifos),
)
