"""A branching design in Verilator: res-fmnist at the optimiser's folding (branching_cases' rule)
through ``build_rtl_project``: its classes are the Brevitas model's, it runs within 5% of the cost
model, no FIFO goes above its depth; and each skip FIFO (``hwnas.sim.reconverging_fifos``) cut to
depth 2 in the generated RTL (``generate_rtl(..., depths=...)``) deadlocks the design or slows it
by more than 5%, so the FIFO-depth check can fail (tests/codegen/test_codegen_branches.py shows the
same in hwnas's own simulator). benchmarks/check_rtl_examples.py runs every example on 100 images.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow

SPEC = "res-fmnist"
IMAGES = 10
CUT_IMAGES = 6  # a cut design only has to show its deadlock or its slower steady state


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from hwnas.board import load_board
    from hwnas.cost import Folding, estimate, reachable_fps
    from hwnas.model import load_checkpoint
    from hwnas.rtl.project import build_rtl_project
    from tests.codegen.branching_cases import SPEED_UP, branching_spec
    from tests.codegen.lowered import BOARD, lower_at

    out = tmp_path_factory.mktemp(SPEC)
    board = load_board(BOARD)
    arch = branching_spec(SPEC)
    fps = min(SPEED_UP * estimate(arch, Folding(), board).fps, 0.9 * reachable_fps(arch, board)[0])
    lowered = lower_at(arch, out / "run", fps=fps)
    model, _ = load_checkpoint(lowered.out_dir / "model.pt")
    report = build_rtl_project(
        lowered.out_dir / "dataflow.onnx", board=board, out_dir=out / "project", arch=arch, torch_model=model,
        rtlsim=IMAGES,
    )
    return out, lowered.out_dir / "dataflow.onnx", report.rtlsim


def test_res_fmnist_rtl_agrees_with_the_model_at_the_cost_models_rate(built):
    _, _, result = built
    assert not result.deadlock, result.summary()
    assert result.agreement["the Brevitas model"] == dict(agree=IMAGES, of=IMAGES), result.summary()
    assert result.fifo_overflow == [] and all(f["peak"] <= f["depth"] for f in result.fifos)
    assert result.cycles_ratio == pytest.approx(1.0, abs=0.05), result.summary()


def test_a_skip_fifo_cut_to_depth_2_deadlocks_or_slows_the_rtl(built):
    from qonnx.core.modelwrapper import ModelWrapper

    from hwnas.codegen.layers import read_layers
    from hwnas.codegen.plan import write_plan
    from hwnas.codegen.project import random_graph_inputs
    from hwnas.rtl.generate import generate_rtl
    from hwnas.rtl.rtlsim import simulate_rtl
    from hwnas.sim import reconverging_fifos

    out, dataflow, sized = built
    model = ModelWrapper(str(dataflow))
    layers, streams = read_layers(model)
    skips = reconverging_fifos(layers)
    assert skips, "res-fmnist has skip connections"
    depth = {s["name"]: s["depth"] for s in streams}
    inputs = random_graph_inputs(model, CUT_IMAGES)
    for name in skips:
        assert depth[name] > 2, (name, depth[name])
        rtl = out / f"cut-{name}" / "rtl"
        write_plan(generate_rtl(model, design="cut", depths={name: 2}), rtl)
        assert "DEPTH(2)" in (rtl / "fifos" / f"fifo_{name}.sv").read_text()
        cut = simulate_rtl(
            rtl, model, inputs, design="cut", build_dir=out / f"cut-{name}" / "build",
            estimated_cycles=sized.estimated_cycles_per_frame,
        )
        fifo = next(f for f in cut.fifos if f["name"] == f"fifo_{name}")
        assert fifo["depth"] == 2 and fifo["cost_model_depth"] == depth[name]
        assert cut.deadlock or cut.cycles_per_frame > 1.05 * sized.cycles_per_frame, (name, cut.summary())


def test_generate_rtl_depths_names_inner_streams_only(built):
    from qonnx.core.modelwrapper import ModelWrapper

    from hwnas.codegen.layers import read_layers
    from hwnas.rtl.generate import generate_rtl

    _, dataflow, _ = built
    model = ModelWrapper(str(dataflow))
    _, streams = read_layers(model)
    with pytest.raises(ValueError, match="no inner stream"):
        generate_rtl(model, design="cut", depths={streams[0]["name"]: 4})
    plan = generate_rtl(model, design="cut", depths={streams[1]["name"]: 7})
    assert "DEPTH(7)" in plan.files[f"fifos/fifo_{streams[1]['name']}.sv"]
