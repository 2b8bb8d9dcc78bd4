"""Run FINN's Python execution of a dataflow graph, for checking it against the Brevitas model."""

from __future__ import annotations

from pathlib import Path

import numpy as np


def execute_dataflow(model_or_path, inputs: np.ndarray) -> np.ndarray:
    """Predicted classes (N,) of the FINN hardware-layer graph for model inputs (N, ...) as build_model takes them.

    Inputs are NCHW like the Brevitas model's; the graph reads NHWC (FINN's streaming layout), so
    images are transposed here. FINN's XNOR conversion turns a BIPOLAR graph input into BINARY
    (-1 -> 0, +1 -> 1), so bipolar inputs are mapped the same way.
    """
    from qonnx.core.datatype import DataType

    from finn.core.onnx_exec import execute_onnx
    from qonnx.core.modelwrapper import ModelWrapper

    model = ModelWrapper(str(model_or_path)) if isinstance(model_or_path, (str, Path)) else model_or_path
    model = python_executable(model)
    input_name = model.graph.input[0].name
    output_name = model.graph.output[0].name
    expected = tuple(model.get_tensor_shape(input_name))
    inputs = np.asarray(inputs, dtype=np.float32)
    if model.get_tensor_datatype(input_name) == DataType["BINARY"]:
        inputs = (inputs + 1) / 2
    if inputs.ndim == 4:
        inputs = inputs.transpose(0, 2, 3, 1)
    from hwnas.lower.finn_env import without_sanitizing

    classes = []
    with without_sanitizing():
        for sample in inputs:
            context = execute_onnx(model, {input_name: sample.reshape(expected)})
            classes.append(int(np.asarray(context[output_name]).reshape(-1)[0]))
    return np.array(classes, dtype=np.int64)


def python_executable(model):
    """A copy of ``model`` whose specialised layers (``MVAU_hls``, ``ConvolutionInputGenerator_rtl``, ...)
    are turned back into their hardware-abstraction layers (``MVAU``, ...), keeping every attribute.

    FINN executes specialised layers only in C++ or RTL simulation, which need AMD's tools; the
    abstraction layer's ``execute_node`` is FINN's Python model of the same layer, computed with the
    folded graph's weights, rounded thresholds and minimised data types.
    """
    from qonnx.core.modelwrapper import ModelWrapper

    copy = ModelWrapper(model.model.__deepcopy__())
    for node in copy.graph.node:
        for suffix in ("_hls", "_rtl"):
            if node.op_type.endswith(suffix) and node.domain.endswith(suffix[1:]):
                node.op_type = node.op_type[: -len(suffix)]
                node.domain = node.domain[: -len(suffix)]
    return copy
