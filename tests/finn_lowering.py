"""A minimal Brevitas -> QONNX -> FINN lowering of fully connected specs, for the end-to-end C-sim
tests until ``hwnas.lower`` lands on main; then these tests should call it instead."""

from __future__ import annotations

from pathlib import Path


def lower_mlp(torch_model, arch, out_dir: Path, foldings: list[tuple[int, int]], label_pe: int = 1):
    """The folded dataflow graph of an MLP spec (MVAU per linear layer, LabelSelect); saved as
    out_dir/dataflow.onnx. foldings: (PE, SIMD) per linear layer."""
    import torch
    from brevitas.export import export_qonnx
    from qonnx.core.datatype import DataType
    from qonnx.core.modelwrapper import ModelWrapper
    from qonnx.custom_op.registry import getCustomOp
    from qonnx.transformation.bipolar_to_xnor import ConvertBipolarMatMulToXnorPopcount
    from qonnx.transformation.fold_constants import FoldConstants
    from qonnx.transformation.general import GiveReadableTensorNames, GiveUniqueNodeNames, RemoveStaticGraphInputs
    from qonnx.transformation.infer_datatypes import InferDataTypes
    from qonnx.transformation.infer_shapes import InferShapes
    from qonnx.transformation.insert_topk import InsertTopK

    import finn.transformation.streamline.absorb as absorb
    from finn.transformation.fpgadataflow.convert_to_hw.binary_matrix_vector_activation import (
        InferBinaryMatrixVectorActivation,
    )
    from finn.transformation.fpgadataflow.convert_to_hw.label_select import InferLabelSelectLayer
    from finn.transformation.fpgadataflow.convert_to_hw.quantized_matrix_vector_activation import (
        InferQuantizedMatrixVectorActivation,
    )
    from finn.transformation.fpgadataflow.insert_dwc import InsertDWC
    from finn.transformation.qonnx.convert_qonnx_to_finn import ConvertQONNXtoFINN
    from finn.transformation.streamline import Streamline
    from finn.transformation.streamline.round_thresholds import RoundAndClipThresholds

    out_dir.mkdir(parents=True, exist_ok=True)
    qonnx_path = out_dir / "model.qonnx.onnx"
    export_qonnx(torch_model, input_t=torch.zeros(1, *arch.input.shape), export_path=str(qonnx_path))
    model = ModelWrapper(str(qonnx_path))
    model.set_tensor_datatype(model.graph.input[0].name, DataType["BIPOLAR" if arch.input.bits == 1 else "UINT8"])
    for transformation in [
        InferShapes(), FoldConstants(), GiveUniqueNodeNames(), GiveReadableTensorNames(), InferDataTypes(),
        RemoveStaticGraphInputs(), ConvertQONNXtoFINN(), Streamline(), ConvertBipolarMatMulToXnorPopcount(),
        absorb.AbsorbAddIntoMultiThreshold(), absorb.AbsorbMulIntoMultiThreshold(), RoundAndClipThresholds(),
        InsertTopK(k=1), absorb.AbsorbScalarMulAddIntoTopK(), InferDataTypes(),
        InferBinaryMatrixVectorActivation(), InferQuantizedMatrixVectorActivation(), InferLabelSelectLayer(),
        GiveUniqueNodeNames(), InferDataTypes(),
    ]:
        model = model.transform(transformation)
    mvaus = [n for n in model.graph.node if n.op_type == "MVAU"]
    assert [n.op_type for n in model.graph.node] == ["MVAU"] * len(foldings) + ["LabelSelect"], "lowering incomplete"
    for node, (pe, simd) in zip(mvaus, foldings):
        getCustomOp(node).set_nodeattr("PE", pe)
        getCustomOp(node).set_nodeattr("SIMD", simd)
    getCustomOp(model.graph.node[-1]).set_nodeattr("PE", label_pe)
    model = model.transform(InsertDWC())
    model.save(str(out_dir / "dataflow.onnx"))
    return model
