"""An XNOR MVAU's popcount runs 0..MW; FINN types its accumulator for the -1/+1 dot product instead
(hwnas.lower.spec_types gives every MVAU its spec's type).

A network built so that its last layer's popcount is MW on every input shows the difference: the
generated hardware must still give the Brevitas model's class (before hwnas widened the type, the
popcount wrapped to the most negative value and label select picked another class)."""

import subprocess
import sys

import numpy as np
import pytest
import torch

from hwnas.arch import arch_from_dict, save_arch
from hwnas.board import load_board
from hwnas.lower import lower
from hwnas.hw.mvau import spec_accumulator
from hwnas.lower.spec_types import set_spec_types
from hwnas.model import build_model, calibrate_batchnorm, prepare_input, random_raw_inputs, save_checkpoint

pytestmark = pytest.mark.slow

ARCH = arch_from_dict({
    "name": "full-popcount", "input": {"features": 16, "bits": 1}, "classes": 4,
    "layers": [{"linear": {"out": 8}}, {"linear": {"out": 4}}],
})
HIDDEN = np.array([1, -1, 1, 1, -1, 1, -1, 1], dtype=np.float32)  # mixed signs: FINN picks a signed type


@pytest.fixture(scope="module")
def full_popcount(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("popcount")
    model = build_model(ARCH)
    calibrate_batchnorm(model, prepare_input(random_raw_inputs(ARCH, 256, np.random.default_rng(0)), ARCH))
    (norm,) = [m for m in model.modules() if isinstance(m, torch.nn.BatchNorm1d)]
    linears = [m for m in model.modules() if hasattr(m, "weight") and m.weight.dim() == 2 and m.weight.shape[1] in (16, 8)]
    with torch.no_grad():
        # the hidden layer's output is HIDDEN for every input: channels always on (+1) or always off (-1)
        norm.running_mean.copy_(torch.from_numpy(np.where(HIDDEN > 0, -1000.5, 1000.5)))
        norm.weight.fill_(1.0)
        norm.bias.fill_(0.0)
        last = linears[-1]
        rng = np.random.default_rng(1)
        rows = np.where(rng.random((4, 8)) < 0.5, 1.0, -1.0).astype(np.float32)
        rows[0] = HIDDEN  # class 0 agrees on all 8: popcount 8 = MW, the largest logit
        rows[1:, 0] = -HIDDEN[0]  # the others disagree somewhere, so class 0 always wins
        last.weight.copy_(torch.from_numpy(rows))
    checkpoint = save_checkpoint(model, ARCH, tmp / "model.pt")
    return tmp, model, checkpoint


def test_every_xnor_mvau_holds_its_popcount(full_popcount):
    from qonnx.core.datatype import DataType
    from qonnx.core.modelwrapper import ModelWrapper
    from qonnx.custom_op.registry import getCustomOp

    tmp, _, checkpoint = full_popcount
    result = lower(ARCH, load_board("pynq-z2"), out_dir=tmp / "run", fps=10_000, checkpoint=checkpoint)
    graph = ModelWrapper(str(result.dataflow_path))
    xnor = [getCustomOp(n) for n in graph.graph.node if n.op_type.startswith("MVAU") and getCustomOp(n).get_nodeattr("binaryXnorMode")]
    assert xnor
    for inst in xnor:
        acc = DataType[inst.get_nodeattr("accDataType")]
        assert acc.min() <= 0 and acc.max() >= inst.get_nodeattr("MW")
        assert (acc.signed(), acc.bitwidth()) == spec_accumulator(inst.get_nodeattr("MW"), 1)  # what the cost model charges
        if inst.get_nodeattr("noActivation"):
            assert DataType[inst.get_nodeattr("outputDataType")].max() >= inst.get_nodeattr("MW")


def test_upstream_finn_still_types_the_popcount_too_narrow(full_popcount):
    """If this fails, FINN sizes XNOR accumulators for the popcount; hwnas.lower.spec_types still
    sets the spec's types (the cost model needs them weight-independent), but its docstring's first
    reason is gone."""
    from finn.transformation.fpgadataflow.minimize_accumulator_width import MinimizeAccumulatorWidth
    from qonnx.core.datatype import DataType
    from qonnx.core.modelwrapper import ModelWrapper
    from qonnx.custom_op.registry import getCustomOp

    tmp, _, checkpoint = full_popcount
    result = lower(ARCH, load_board("pynq-z2"), out_dir=tmp / "canary", fps=10_000, checkpoint=checkpoint)
    folded = ModelWrapper(str({r.name: r.model_path for r in result.steps}["fold"]))
    finn_typed = folded.transform(MinimizeAccumulatorWidth())
    too_narrow = [
        n.name for n in finn_typed.graph.node
        if n.op_type.startswith("MVAU") and getCustomOp(n).get_nodeattr("binaryXnorMode")
        and DataType[getCustomOp(n).get_nodeattr("accDataType")].max() < getCustomOp(n).get_nodeattr("MW")
    ]
    assert too_narrow
    _, changed = set_spec_types(finn_typed)
    assert changed > 0


def test_generated_hardware_gives_the_class_of_a_full_popcount(full_popcount, tmp_path):
    tmp, model, checkpoint = full_popcount
    inputs = prepare_input(random_raw_inputs(ARCH, 20, np.random.default_rng(3)), ARCH)
    with torch.no_grad():
        assert (model(torch.from_numpy(inputs)).argmax(1) == 0).all()  # the case is what it claims
    save_arch(ARCH, tmp_path / "arch.yaml")
    proc = subprocess.run(
        [sys.executable, "-m", "hwnas.cli", "build", str(tmp_path / "arch.yaml"), "--checkpoint", str(checkpoint),
         "--board", "pynq-z2", "--fps", "10000", "--out", str(tmp_path / "build"), "--csim", "20"],
        capture_output=True, text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "agrees with the Brevitas model on 20/20" in proc.stdout
