"""A minimal Brevitas -> QONNX -> FINN lowering (conv, pool, linear) that takes any (PE, SIMD) per MVAU,
so the end-to-end C-sim tests can sweep foldings of random specs without writing folding files.
The examples at their real foldings go through ``hwnas.lower`` itself (see test_build_e2e.py)."""

from __future__ import annotations

from pathlib import Path


def lower_spec(torch_model, arch, out_dir: Path, foldings: list[tuple[int, int]], label_pe: int = 1):
    """The folded dataflow graph of a spec, saved as out_dir/dataflow.onnx.

    foldings: (PE, SIMD) per MVAU (conv and linear layers in order). A sliding window takes
    gcd(SIMD of the MVAU it feeds, channels); a pool's window and Pool take gcd(PE before, channels).
    The graph has no width converters (FINN's InsertDWC needs specialised layers, which FINN cannot
    execute in Python); hwnas's code generation adds them where widths differ.
    """
    from math import gcd

    import torch
    from brevitas.export import export_qonnx
    from qonnx.core.datatype import DataType
    from qonnx.core.modelwrapper import ModelWrapper
    from qonnx.custom_op.registry import getCustomOp
    from qonnx.transformation.bipolar_to_xnor import ConvertBipolarMatMulToXnorPopcount
    from qonnx.transformation.fold_constants import FoldConstants
    from qonnx.transformation.general import (
        GiveReadableTensorNames,
        GiveUniqueNodeNames,
        RemoveStaticGraphInputs,
        RemoveUnusedTensors,
    )
    from qonnx.transformation.infer_data_layouts import InferDataLayouts
    from qonnx.transformation.infer_datatypes import InferDataTypes
    from qonnx.transformation.infer_shapes import InferShapes
    from qonnx.transformation.insert_topk import InsertTopK
    from qonnx.transformation.lower_convs_to_matmul import LowerConvsToMatMul

    import finn.transformation.streamline.absorb as absorb
    from finn.transformation.fpgadataflow.convert_to_hw.binary_matrix_vector_activation import (
        InferBinaryMatrixVectorActivation,
    )
    from finn.transformation.fpgadataflow.convert_to_hw.conv_inp_gen import InferConvInpGen
    from finn.transformation.fpgadataflow.convert_to_hw.label_select import InferLabelSelectLayer
    from finn.transformation.fpgadataflow.convert_to_hw.pool import InferPool
    from finn.transformation.fpgadataflow.convert_to_hw.quantized_matrix_vector_activation import (
        InferQuantizedMatrixVectorActivation,
    )
    from finn.transformation.fpgadataflow.convert_to_hw.thresholding import InferThresholdingLayer
    from finn.transformation.move_reshape import RemoveCNVtoFCFlatten
    from finn.transformation.qonnx.convert_qonnx_to_finn import ConvertQONNXtoFINN
    from finn.transformation.streamline import Streamline
    from finn.transformation.streamline.reorder import MakeMaxPoolNHWC, MoveScalarLinearPastInvariants
    from finn.transformation.streamline.round_thresholds import RoundAndClipThresholds

    out_dir.mkdir(parents=True, exist_ok=True)
    qonnx_path = out_dir / "model.qonnx.onnx"
    export_qonnx(torch_model, input_t=torch.zeros(1, *arch.input.shape), export_path=str(qonnx_path))
    model = ModelWrapper(str(qonnx_path))
    model.set_tensor_datatype(model.graph.input[0].name, DataType["BIPOLAR" if arch.input.bits == 1 else "UINT8"])
    for transformation in [
        InferShapes(), FoldConstants(), GiveUniqueNodeNames(), GiveReadableTensorNames(), InferDataTypes(),
        RemoveStaticGraphInputs(), ConvertQONNXtoFINN(), MoveScalarLinearPastInvariants(), Streamline(),
        LowerConvsToMatMul(), MakeMaxPoolNHWC(), absorb.AbsorbTransposeIntoMultiThreshold(),
        ConvertBipolarMatMulToXnorPopcount(), Streamline(), RemoveCNVtoFCFlatten(), InferDataLayouts(),
        RemoveUnusedTensors(), absorb.AbsorbAddIntoMultiThreshold(), absorb.AbsorbMulIntoMultiThreshold(),
        RoundAndClipThresholds(), InsertTopK(k=1), absorb.AbsorbScalarMulAddIntoTopK(), InferDataTypes(),
        InferBinaryMatrixVectorActivation(), InferQuantizedMatrixVectorActivation(), InferLabelSelectLayer(),
        InferPool(), InferConvInpGen(), absorb.AbsorbConsecutiveTransposes(), InferThresholdingLayer(),
        RemoveCNVtoFCFlatten(), GiveUniqueNodeNames(), InferDataTypes(),
    ]:
        model = model.transform(transformation)
    first = model.graph.node[0]
    if first.op_type == "Transpose":  # NCHW -> NHWC at the input: the accelerator reads NHWC
        graph_in = model.graph.input[0]
        model.graph.node[1].input[0] = graph_in.name
        nhwc = model.get_tensor_shape(first.output[0])
        model.graph.node.remove(first)
        model.set_tensor_shape(graph_in.name, nhwc)
    kinds = {n.op_type for n in model.graph.node}
    assert kinds <= {"MVAU", "ConvolutionInputGenerator", "Pool", "LabelSelect"}, f"lowering incomplete: {kinds}"
    mvaus = [n for n in model.graph.node if n.op_type == "MVAU"]
    assert len(mvaus) == len(foldings)
    for node, (pe, simd) in zip(mvaus, foldings):
        getCustomOp(node).set_nodeattr("PE", pe)
        getCustomOp(node).set_nodeattr("SIMD", simd)
    nodes = list(model.graph.node)
    for i, node in enumerate(nodes):
        inst = getCustomOp(node)
        if node.op_type == "ConvolutionInputGenerator":
            channels = inst.get_nodeattr("IFMChannels")
            if nodes[i + 1].op_type == "Pool":
                before = getCustomOp(nodes[i - 1]).get_nodeattr("PE")
                inst.set_nodeattr("SIMD", gcd(before, channels))
                getCustomOp(nodes[i + 1]).set_nodeattr("PE", gcd(before, channels))
            else:
                inst.set_nodeattr("SIMD", gcd(getCustomOp(nodes[i + 1]).get_nodeattr("SIMD"), channels))
    getCustomOp(nodes[-1]).set_nodeattr("PE", label_pe)
    model.save(str(out_dir / "dataflow.onnx"))
    return model
