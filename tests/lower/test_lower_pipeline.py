"""The lowering's outputs, its step records, FINN's estimates and folding files, on TFC."""

import json
import os

import pytest

from conftest import EXAMPLE_ARCHS
from hwnas.arch import load_arch
from hwnas.board import load_board
from hwnas.errors import UserError
from hwnas.lower import choose_folding, lower
from hwnas.lower.steps import STEPS

pytestmark = pytest.mark.slow

TFC = load_arch([p for p in EXAMPLE_ARCHS if p.stem == "tfc-w1a1"][0])


@pytest.fixture(scope="module")
def tfc(tmp_path_factory):
    out = tmp_path_factory.mktemp("tfc") / "run"
    return lower(TFC, load_board("pynq-z2", clock_mhz=200), out_dir=out, fps=20_000)


def test_outputs_and_step_records(tfc):
    for path in (tfc.qonnx_path, tfc.dataflow_path, tfc.folding_path, tfc.estimates_path, tfc.checkpoint_path):
        assert path.is_file() and path.parent == tfc.out_dir
    assert [r.name for r in tfc.steps] == ["build_model", "export_qonnx", *(name for name, _ in STEPS), "estimates"]
    assert all(r.model_path.is_file() and r.seconds >= 0 for r in tfc.steps)
    times = json.loads((tfc.out_dir / "step_times.json").read_text())
    assert list(times) == [r.name for r in tfc.steps]
    # FINN was pointed at the run's own folder
    assert os.environ["FINN_BUILD_DIR"] == str(tfc.out_dir / "finn")
    assert os.environ["FINN_SETTINGS"].startswith(str(tfc.out_dir))


def test_dataflow_graph_is_hardware_layers_only(tfc):
    from qonnx.core.modelwrapper import ModelWrapper

    model = ModelWrapper(str(tfc.dataflow_path))
    layers = [n for n in model.graph.node if n.op_type != "StreamingFIFO_rtl"]
    assert [n.op_type for n in layers] == ["MVAU_hls"] * 4 + ["LabelSelect_hls"]
    assert [n.name for n in layers] == [f"MVAU_hls_{i}" for i in range(4)] + ["LabelSelect_hls_0"]
    # between them, exactly the stream FIFOs the cost model sizes at this folding, at its depths
    from qonnx.custom_op.registry import getCustomOp

    from hwnas.cost import estimate, hardware_nodes
    from hwnas.cost.folding import Folding

    folding = Folding.from_finn_config(json.loads(tfc.folding_path.read_text()), hardware_nodes(TFC))
    model_fifos = estimate(TFC, folding, load_board("pynq-z2", clock_mhz=200)).fifos
    fifos = [n for n in model.graph.node if n.op_type == "StreamingFIFO_rtl"]
    assert model_fifos and len(fifos) == len(model_fifos)
    assert sorted(getCustomOp(n).get_nodeattr("depth") for n in fifos) == sorted(f.depth for f in model_fifos)


def test_estimates_follow_finn_and_meet_the_target(tfc):
    est = tfc.estimates
    data = json.loads(tfc.estimates_path.read_text())
    assert data["clock_mhz"] == 200
    assert data["bottleneck"] == {"name": est.bottleneck.name, "cycles_per_frame": max(n.cycles for n in est.nodes)}
    assert data["fps"] == pytest.approx(200e6 / est.cycles_per_frame)
    # SetFolding reaches 20,000 fps at 200 MHz: at most 10,000 cycles per frame
    assert est.cycles_per_frame <= 10_000
    # MVAU cycles are FINN's MH/PE * MW/SIMD for these single-vector layers
    folding = json.loads(tfc.folding_path.read_text())
    dims = [(784, 64), (64, 64), (64, 64), (64, 10)]
    mvaus = [n for n in est.nodes if n.op_type == "MVAU_hls"]
    for i, (mw, mh) in enumerate(dims):
        node = folding[f"MVAU_hls_{i}"]
        assert mvaus[i].name == f"MVAU_hls_{i}"
        assert mvaus[i].cycles == (mh // node["PE"]) * (mw // node["SIMD"])


def test_written_folding_reproduces_the_estimates(tfc, tmp_path):
    again = lower(TFC, load_board("pynq-z2", clock_mhz=200), out_dir=tmp_path, folding=tfc.folding_path)
    assert again.estimates.nodes == tfc.estimates.nodes


@pytest.mark.parametrize(
    "edit, message",
    [
        (lambda cfg: cfg["MVAU_hls_0"].update(PE=3), r"MVAU_hls_0.PE = 3 must be a positive divisor of MH = 64"),
        (lambda cfg: cfg["MVAU_hls_1"].update(SIMD=0), r"MVAU_hls_1.SIMD = 0 must be a positive divisor of MW = 64"),
        (lambda cfg: cfg["MVAU_hls_2"].update(Banana=1), r"node MVAU_hls_2 has no folding attribute 'Banana'"),
        (lambda cfg: cfg.update(MVAU_hls_9={"PE": 1}), r"does not match the graph: no node named MVAU_hls_9"),
    ],
)
def test_folding_file_checks(tfc, tmp_path, edit, message):
    from qonnx.core.modelwrapper import ModelWrapper

    config = json.loads(tfc.folding_path.read_text())
    edit(config)
    path = tmp_path / "folding.json"
    path.write_text(json.dumps(config))
    model = ModelWrapper(str({r.name: r.model_path for r in tfc.steps}["specialize_layers"]))
    with pytest.raises(UserError, match=message):
        choose_folding(model, load_board("pynq-z2"), arch=TFC, folding=path)


def test_folding_needs_exactly_one_source(tfc, tmp_path):
    with pytest.raises(UserError, match="exactly one"):
        lower(TFC, load_board("pynq-z2"), out_dir=tmp_path, folding=tfc.folding_path, fps=1000)
    (tmp_path / "broken.json").write_text("{not json")
    from qonnx.core.modelwrapper import ModelWrapper

    model = ModelWrapper(str(tfc.dataflow_path))
    with pytest.raises(UserError, match="not valid JSON"):
        choose_folding(model, load_board("pynq-z2"), arch=TFC, folding=tmp_path / "broken.json")


def test_a_partial_folding_file_folds_the_rest_fully(tfc, tmp_path):
    # the one validator (hwnas.cost.folding) accepts what ``hwnas estimate`` accepts: nodes a file
    # does not name run at PE = SIMD = 1, in the lowering as in the cost model
    from hwnas.cost import estimate, hardware_nodes, read_finn_config
    from tests.finn_reference import lowering_differences

    config = json.loads(tfc.folding_path.read_text())
    del config["MVAU_hls_3"]
    path = tmp_path / "partial.json"
    path.write_text(json.dumps(config))
    board = load_board("pynq-z2", clock_mhz=200)
    result = lower(TFC, board, out_dir=tmp_path / "run", folding=path)
    written = json.loads(result.folding_path.read_text())
    assert (written["MVAU_hls_3"]["PE"], written["MVAU_hls_3"]["SIMD"]) == (1, 1)
    ours = estimate(TFC, read_finn_config(path, hardware_nodes(TFC)), board)
    assert lowering_differences(ours, json.loads(result.estimates_path.read_text())) == []


def test_a_folding_object_is_applied_as_it_is(tfc):
    # the search hands the lowering the Folding it chose: no second planning, no file in between
    from qonnx.core.modelwrapper import ModelWrapper
    from qonnx.custom_op.registry import getCustomOp

    from hwnas.cost import Folding
    from hwnas.hw.fold import NodeFold

    model = ModelWrapper(str({r.name: r.model_path for r in tfc.steps}["specialize_layers"]))
    folded = choose_folding(model, load_board("pynq-z2"), arch=TFC, folding=Folding({"MVAU_hls_1": NodeFold(4, 2)}))
    attrs = {n.name: getCustomOp(n) for n in folded.graph.node}
    assert (attrs["MVAU_hls_1"].get_nodeattr("PE"), attrs["MVAU_hls_1"].get_nodeattr("SIMD")) == (4, 2)
    assert (attrs["MVAU_hls_0"].get_nodeattr("PE"), attrs["MVAU_hls_0"].get_nodeattr("SIMD")) == (1, 1)
