"""The simulator on lowered networks: its kernel schedules against the C-simulation's actual stream
traffic, its throughput against the cost model, and its FIFOs.

Networks: CNV-w1a1 at finn-examples' folding and at the optimiser's (1,000 fps), TFC and SFC at the
optimiser's, and an 8-bit padded conv whose first sliding window the optimiser makes parallel
(FMPadding, parallel_window, width converters, pool, MVAU, LabelSelect).
"""

from __future__ import annotations


import pytest

from hwnas.arch.spec import arch_from_dict, load_arch
from hwnas.board import load_board
from hwnas.sim import cost_model_cycles, simulate
from tests.codegen.lowered import BOARD, lower_at
from tests.conftest import REPO

pytestmark = pytest.mark.slow

FRAMES = 6
TOLERANCE = 0.05  # the bound on simulated against estimated cycles per frame

PADDED_PARALLEL = {
    "name": "padded-parallel", "input": {"channels": 1, "height": 28, "width": 28, "bits": 8}, "classes": 10,
    "weight_bits": 1, "act_bits": 1,
    "layers": [
        {"conv": {"out": 24, "kernel": 3, "padding": 1}}, {"maxpool": {"kernel": 2}},
        {"conv": {"out": 48, "kernel": 3}}, {"linear": {"out": 10}},
    ],
}


@pytest.fixture(scope="module")
def networks(cnv_cli_run, tmp_path_factory):
    """name -> (arch, run folder of the lowering)."""
    root = tmp_path_factory.mktemp("sim")
    cnv = load_arch(REPO / "examples" / "archs" / "cnv-w1a1.yaml")
    found = {"cnv-finn-examples": (cnv, cnv_cli_run[0])}
    for name, arch, fps in [
        ("cnv-optimiser", cnv, 1_000),
        ("tfc-optimiser", load_arch(REPO / "examples" / "archs" / "tfc-w1a1.yaml"), 100_000),
        ("sfc-optimiser", load_arch(REPO / "examples" / "archs" / "sfc-w1a1.yaml"), 50_000),
        ("padded-parallel-optimiser", arch_from_dict(PADDED_PARALLEL), 1_000),
    ]:
        found[name] = (arch, lower_at(arch, root / name, fps=fps).out_dir)
    return found


def _simulated(networks, name, frames=FRAMES, **kwargs):
    arch, run = networks[name]
    estimates = cost_model_cycles(arch, run / "folding_config.json", load_board(BOARD))
    return simulate(run / "dataflow.onnx", frames, estimates=estimates, **kwargs)


NAMES = ["cnv-finn-examples", "cnv-optimiser", "tfc-optimiser", "sfc-optimiser", "padded-parallel-optimiser"]


def _generated_depths(run):
    """Each stream between kernels of the generated design: its depth, keyed by the FINN node it
    feeds, the input port, and whether it runs into a width converter the design adds there."""
    from qonnx.core.modelwrapper import ModelWrapper

    from hwnas.codegen.layers import read_layers

    layers, streams = read_layers(ModelWrapper(str(run / "dataflow.onnx")))
    reader = {name: layer for layer in layers for name in layer["inputs"]}
    found = {}
    for stream in streams[1:-1]:
        into, layer = stream["name"], reader[stream["name"]]
        before_converter = layer["node"].startswith("(width converter")
        if before_converter:
            into = layer["outputs"][0]
            layer = reader[into]
        found[layer["node"], layer["inputs"].index(into), before_converter] = stream["depth"]
    return found


@pytest.mark.parametrize("name", NAMES)
def test_generated_stream_depths_are_the_cost_models(networks, name):
    """One source of truth: every stream's depth in the generated design is the FIFO the cost model
    sized for it (2, the handshake, where it sized none)."""
    from hwnas.cost import estimate, hardware_nodes, read_finn_config

    arch, run = networks[name]
    fifos = estimate(arch, read_finn_config(run / "folding_config.json", hardware_nodes(arch)), load_board(BOARD)).fifos
    assert fifos
    sized = {(f.consumer, f.port, f.at_producer): f.depth for f in fifos}
    generated = _generated_depths(run)
    assert {key: depth for key, depth in generated.items() if depth > 2} == {k: d for k, d in sized.items() if d > 2}


@pytest.mark.parametrize("name", NAMES)
def test_throughput_matches_the_cost_model_without_deadlock_or_overflow(networks, name):
    result = _simulated(networks, name)
    assert not result.deadlock
    assert abs(result.deviation) <= TOLERANCE, result.verdict()
    assert all(f.peak <= f.depth for f in result.fifos)
    # the bottleneck runs without a stall in the steady state; its neighbours wait for it
    bottleneck = max(result.nodes, key=lambda n: n.iterations_per_frame)
    assert bottleneck.iterations_per_frame == result.estimated_cycles_per_frame


# not CNV at the optimiser's folding: cut, its sweeps do not settle and the event-driven run takes
# about 3 minutes here
@pytest.mark.parametrize("name", [name for name in NAMES if name != "cnv-optimiser"])
def test_fifos_cut_to_depth_2_cost_throughput(networks, name):
    """Every FIFO the cost model made deeper than 2, cut to 2: the simulated frame rate drops below
    the cost model's (a simulator that ignored the depths would not notice)."""
    sized = _simulated(networks, name, frames=4)
    deep = {f.name: 2 for f in sized.fifos if f.depth > 2}
    assert deep, "the cost model sized no FIFO deeper than 2 words"
    cut = _simulated(networks, name, frames=4, depths=deep)
    assert cut.deadlock or cut.cycles_per_frame > sized.cycles_per_frame * (1 + TOLERANCE), cut.verdict()
    assert all(f.peak <= f.depth for f in cut.fifos)


# every kernel kind the lowering produces: the padded conv has FMPadding, both sliding windows,
# width converters, pool, both MVAU modes and LabelSelect; TFC the MLP's MVAUs
@pytest.mark.parametrize("name", ["tfc-optimiser", "padded-parallel-optimiser"])
def test_schedules_read_and_write_what_the_csim_reads_and_writes(networks, name, tmp_path):
    """The generated C-sim built with -DHWNAS_COUNT_TOKENS prints each layer's stream reads and
    writes for one image; each kernel's schedule must do exactly as many per frame."""
    from qonnx.core.modelwrapper import ModelWrapper

    from hwnas.codegen.layers import read_layers
    from hwnas.codegen.project import build_project
    from hwnas.schedules import schedule
    from tests.codegen.hls_harness import counted_tokens

    arch, run = networks[name]
    project = tmp_path / "hls"
    build_project(run / "dataflow.onnx", board=load_board(BOARD), out_dir=project, arch=arch)
    counted = counted_tokens(project)

    layers, _ = read_layers(ModelWrapper(str(run / "dataflow.onnx")))
    assert list(counted) == [layer["name"] for layer in layers]
    for layer in layers:
        kernel = schedule(layer)
        assert (len(kernel.reads[0]), len(kernel.writes[0])) == counted[layer["name"]], layer["name"]


@pytest.mark.parametrize("name", ["cnv-finn-examples", "cnv-optimiser"])
def test_the_simulators_own_sizing_checks_the_cost_models_depths(networks, name):
    """The simulator's sizing (every stream as deep as it gets with the input spread evenly at the
    bottleneck's rate, hwnas.sim.sizing) is a second, independent answer: on CNV the cost model's
    depths reach the same steady state with fewer FIFO bits (on the small MLPs they take more)."""
    from qonnx.core.modelwrapper import ModelWrapper

    from hwnas.codegen.layers import read_layers
    from hwnas.sim import simulate_layers, sized_depths

    _, run = networks[name]
    layers, streams = read_layers(ModelWrapper(str(run / "dataflow.onnx")))
    needed = sized_depths(layers, streams)
    theirs = simulate_layers(layers, streams, 4, depths=needed)
    ours = simulate_layers(layers, streams, 4)
    assert not ours.deadlock and ours.cycles_per_frame == theirs.cycles_per_frame
    width = {s["name"]: s["width"] for s in streams}
    assert sum(s["depth"] * s["width"] for s in streams[1:-1]) <= sum(d * width[n] for n, d in needed.items())
