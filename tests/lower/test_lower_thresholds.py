"""Thresholds an XNOR popcount cannot reach (extreme BatchNorm statistics) must not kill the lowering.

FINN's own passes type an XNOR accumulator as signed (the -1/+1 dot product's range), so
RoundAndClipThresholds leaves negative thresholds negative and MVAU's threshold tensor asserts on
them. With the popcount's unsigned type that hwnas.lower.spec_types sets, RoundAndClipThresholds
clips them into [0, 2^bits], which keeps the function (a popcount is never < 0 and never > MW)."""

import numpy as np
import pytest
import torch

from hwnas.arch import arch_from_dict
from hwnas.board import load_board
from hwnas.lower import compare_top1, lower
from hwnas.model import build_model, calibrate_batchnorm, prepare_input, random_raw_inputs, save_checkpoint

pytestmark = pytest.mark.slow

ARCH = arch_from_dict({
    "name": "extreme-bn", "input": {"features": 32, "bits": 1}, "classes": 4,
    "layers": [{"linear": {"out": 16}}, {"linear": {"out": 16}}, {"linear": {"out": 4}}],
})


@pytest.fixture(scope="module")
def extreme(tmp_path_factory):
    """A model whose BatchNorm means lie far outside the popcount ranges: some channels are always
    on (threshold far below 0), some always off (far above the fan-in)."""
    tmp = tmp_path_factory.mktemp("extreme")
    model = build_model(ARCH)
    calibrate_batchnorm(model, prepare_input(random_raw_inputs(ARCH, 256, np.random.default_rng(0)), ARCH))
    norms = [m for m in model.modules() if isinstance(m, torch.nn.BatchNorm1d)]
    with torch.no_grad():
        for norm in norms:
            norm.running_mean[:4] = -1000.5
            norm.running_mean[4:8] = 1000.5
    checkpoint = save_checkpoint(model, ARCH, tmp / "extreme.pt")
    result = lower(ARCH, load_board("pynq-z2"), out_dir=tmp / "run", fps=10_000, checkpoint=checkpoint)
    return model, result


def test_lowering_survives_and_keeps_the_function(extreme):
    model, result = extreme
    inputs = prepare_input(random_raw_inputs(ARCH, 100, np.random.default_rng(7)), ARCH)
    assert compare_top1(model, result.dataflow_path, inputs).mismatches == 0


def _xnor_thresholds(graph):
    from qonnx.custom_op.registry import getCustomOp

    for node in graph.graph.node:
        inst = getCustomOp(node)
        if node.op_type.startswith("MVAU") and inst.get_nodeattr("binaryXnorMode") and not inst.get_nodeattr("noActivation"):
            yield inst, graph.get_initializer(node.input[2])


def test_unreachable_thresholds_before_minimising_and_none_after(extreme):
    from qonnx.core.datatype import DataType
    from qonnx.core.modelwrapper import ModelWrapper

    _, result = extreme
    folded = ModelWrapper(str({r.name: r.model_path for r in result.steps}["fold"]))
    # the case is what it claims: thresholds below 0 and above MW + 1 reach the minimise step
    assert any((t < 0).any() for _, t in _xnor_thresholds(folded))
    assert any((t > inst.get_nodeattr("MW") + 1).any() for inst, t in _xnor_thresholds(folded))
    lowered = ModelWrapper(str(result.dataflow_path))
    for inst, thresholds in _xnor_thresholds(lowered):
        acc = DataType[inst.get_nodeattr("accDataType")]
        assert not acc.signed() and acc.max() >= inst.get_nodeattr("MW")
        assert thresholds.min() >= 0 and thresholds.max() <= acc.max() + 1


def test_upstream_finn_still_asserts_on_unreachable_thresholds(extreme):
    """If this fails, FINN now handles such thresholds itself (hwnas.lower.spec_types still sets
    the types, which is what handles them here)."""
    from finn.transformation.fpgadataflow.minimize_accumulator_width import MinimizeAccumulatorWidth
    from finn.transformation.fpgadataflow.minimize_weight_bit_width import MinimizeWeightBitWidth
    from finn.transformation.streamline.round_thresholds import RoundAndClipThresholds
    from qonnx.core.modelwrapper import ModelWrapper
    from qonnx.transformation.infer_datatypes import InferDataTypes

    _, result = extreme
    model = ModelWrapper(str({r.name: r.model_path for r in result.steps}["fold"]))
    with pytest.raises(AssertionError):
        # the sequence of FINN's own builder (_minimize_bit_width), without hwnas's spec types
        for transformation in (
            MinimizeWeightBitWidth(), MinimizeAccumulatorWidth(), InferDataTypes(), RoundAndClipThresholds(),
            InferDataTypes(), MinimizeWeightBitWidth(),
        ):
            model = model.transform(transformation)
