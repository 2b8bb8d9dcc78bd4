"""``hwnas build --backend rtl``: the RTL project folder, and its Verilator and Yosys checks."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from hwnas.errors import UserError


@dataclass(frozen=True)
class RtlReport:
    rtl_dir: Path
    rtlsim: object | None  # hwnas.rtl.rtlsim.RtlsimResult
    synthesis: object | None  # hwnas.rtl.synth.SynthResult


def build_rtl_project(
    dataflow_path: Path, *, board, out_dir: Path, arch=None, torch_model=None, rtlsim: int = 0, csim: bool = False,
    synth: bool = False, fashion_mnist_dir: Path | None = None, dataset=None, class_names=None,
) -> RtlReport:
    """rtl/ (the SystemVerilog, hwnas.rtl.generate), the Vivado scripts and the PYNQ driver in
    ``out_dir``; ``rtlsim`` images simulated with Verilator into rtlsim.json (against the model, and the
    HLS C-simulation of the same images when ``csim``), and with ``synth`` Yosys's counts into
    synthesis.json."""
    from qonnx.core.modelwrapper import ModelWrapper

    from hwnas.codegen.overlay import driver_geometry, overlay_plan
    from hwnas.codegen.plan import write_plan
    from hwnas.rtl.generate import generate_rtl

    if not dataflow_path.is_file():
        raise UserError(f"no dataflow graph at {dataflow_path}; run the lowering first")
    model = ModelWrapper(str(dataflow_path))
    design = arch.name if arch is not None else dataflow_path.parent.name
    rtl_dir = out_dir / "rtl"
    write_plan(generate_rtl(model, design=design, source=dataflow_path.name), rtl_dir)
    geometry = driver_geometry(
        model, board=board, design=design, raw_shape=tuple(arch.input.shape) if arch is not None else None,
        class_names=class_names,
    )
    write_plan(overlay_plan(board, geometry, rtl=True), out_dir)
    estimates_path = dataflow_path.parent / "finn_estimates.json"
    estimates = json.loads(estimates_path.read_text()) if estimates_path.is_file() else None

    simulated = None
    if rtlsim:
        simulated = _rtlsim(
            model, dataflow_path, rtl_dir, rtlsim, board=board, out_dir=out_dir, arch=arch, torch_model=torch_model,
            csim=csim, estimates=estimates, fashion_mnist_dir=fashion_mnist_dir, dataset=dataset, design=design,
        )
    synthesis = None
    if synth:
        from hwnas.rtl.generate import TOP
        from hwnas.rtl.synth import synthesize_design

        synthesis = synthesize_design(rtl_dir, design=design, board=board, estimates=estimates, top=TOP)
        synthesis.write(out_dir / "synthesis.json")
    if simulated is not None or synthesis is not None:
        write_report(out_dir / "rtl_report.html", design=design, board=board, rtlsim=simulated, synthesis=synthesis)
    return RtlReport(rtl_dir, simulated, synthesis)


def write_report(path: Path, *, design: str, board, rtlsim, synthesis) -> Path:
    """rtl_report.html: the Verilator verdict with every FIFO's peak, and Yosys's counts node by node."""
    from dataclasses import asdict

    from hwnas.report.render import render_template

    context = dict(
        design=design, board=board.name, part=board.part,
        rtlsim=None if rtlsim is None else asdict(rtlsim) | dict(cycles_ratio=rtlsim.cycles_ratio),
        synthesis=None if synthesis is None else asdict(synthesis),
    )
    path.write_text(render_template("rtl.html.j2", context))
    return path


def _rtlsim(model, dataflow_path, rtl_dir, count, *, board, out_dir, arch, torch_model, csim, estimates,
            fashion_mnist_dir, dataset, design):
    from hwnas.codegen.project import (
        build_project, csim_images, finn_classes_of_graph_inputs, model_classes, random_graph_inputs, to_graph_input,
    )
    from hwnas.rtl.rtlsim import simulate_rtl

    graph_shape = tuple(model.get_tensor_shape(model.graph.input[0].name))
    graph_dt = model.get_tensor_datatype(model.graph.input[0].name).name
    references = {}
    if arch is not None:
        from hwnas.model import prepare_input

        raw, _ = csim_images(arch, count, fashion_mnist_dir=fashion_mnist_dir, dataset=dataset)
        model_inputs = prepare_input(raw, arch)
        graph_inputs = to_graph_input(model_inputs, graph_shape, graph_dt)
        if torch_model is not None:
            references["the Brevitas model"] = model_classes(torch_model, model_inputs)
    else:
        graph_inputs = random_graph_inputs(model, count)
    if torch_model is None:
        references["FINN's execution of dataflow.onnx"] = finn_classes_of_graph_inputs(model, graph_inputs)
    if csim:
        import numpy as np

        # the HLS project C-simulated on the same images (FINN's Python execution only on a few: ~1 s each)
        build_project(
            dataflow_path, board=board, out_dir=out_dir / "hls", arch=arch, torch_model=torch_model, csim=count,
            finn_images=min(count, 10), fashion_mnist_dir=fashion_mnist_dir, dataset=dataset,
        )
        references["the C-simulation"] = np.loadtxt(out_dir / "hls" / "build" / "predictions.txt", dtype=np.int64, ndmin=1)
    from hwnas.sim import simulate

    estimated = estimates["bottleneck"]["cycles_per_frame"] if estimates else None
    # hwnas's own simulator on the same design and a few frames, for the RTL to check
    predicted = simulate(model, min(count, 8), design=design)
    result = simulate_rtl(
        rtl_dir, model, graph_inputs, design=design, build_dir=out_dir / "build" / "verilator",
        estimated_cycles=estimated, references=references, hwnas_sim=predicted,
    )
    result.write(out_dir / "rtlsim.json")
    return result
