"""``--rtlsim N``: Verilator runs the generated dataflow pipeline cycle by cycle on N images.

An independent check of what the cost model and hwnas's own simulator (``hwnas.sim``) predict: the
RTL shares neither their token schedules nor their FIFO formula. It reports the classes (to compare
with the model and the C-simulation), the steady-state cycles per frame, the first frame's latency,
each FIFO's peak occupancy against its depth, and whether the design deadlocked. The output is
pulled with random back-pressure, as a DMA that is not always ready would.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from hwnas.rtl.generate import DATAFLOW, TOP

OUT_READY_PCT = 70  # the output stream's tready, percent of cycles (random back-pressure)


@dataclass(frozen=True)
class RtlsimResult:
    design: str
    images: int
    classes: list[int]
    cycles: int
    deadlock: bool
    first_frame_latency: int | None  # cycles from reset to the first class
    cycles_per_frame: float | None  # steady state: between the classes of the second half of the frames
    estimated_cycles_per_frame: int | None  # the cost model's (FINN's) slowest node
    fifos: list[dict]  # name, depth, peak (words), cost_model_depth (the lowering's), hwnas_sim_peak
    build_s: float
    simulate_s: float
    agreement: dict[str, dict] = field(default_factory=dict)  # reference -> {"agree": n, "of": m}
    # hwnas's own simulator (hwnas.sim) on the same design, where given: what the RTL checks
    hwnas_sim: dict | None = None  # cycles_per_frame, first_frame_latency, deadlock

    @property
    def fifo_overflow(self) -> list[str]:
        return [f["name"] for f in self.fifos if f["peak"] > f["depth"]]

    @property
    def cycles_ratio(self) -> float | None:
        if self.cycles_per_frame is None or not self.estimated_cycles_per_frame:
            return None
        return self.cycles_per_frame / self.estimated_cycles_per_frame

    def write(self, path: Path) -> Path:
        data = asdict(self) | dict(cycles_ratio=self.cycles_ratio, fifo_overflow=self.fifo_overflow)
        path.write_text(json.dumps(data, indent=2) + "\n")
        return path

    def summary(self) -> list[str]:
        lines = []
        for reference, counts in self.agreement.items():
            lines.append(f"  classes agree with {reference} on {counts['agree']}/{counts['of']}")
        if self.deadlock:
            lines.append(f"  DEADLOCK: nothing moved for the stall limit after {len(self.classes)}/{self.images} images")
        if self.first_frame_latency is not None:
            lines.append(f"  first frame: {self.first_frame_latency:,} cycles")
        if self.cycles_per_frame is not None:
            estimate = ""
            if self.cycles_ratio is not None:
                estimate = f" (cost model {self.estimated_cycles_per_frame:,}: {self.cycles_ratio:.3f}x)"
            lines.append(f"  steady state: {self.cycles_per_frame:,.1f} cycles per frame{estimate}")
        fullest = max(self.fifos, key=lambda f: f["peak"] / f["depth"], default=None)
        if fullest is not None:
            lines.append(
                f"  FIFOs: {len(self.fifos)}, {len(self.fifo_overflow)} over their depth; fullest {fullest['name']} "
                f"{fullest['peak']}/{fullest['depth']}"
            )
        if self.hwnas_sim is not None:
            sim = self.hwnas_sim
            lines.append(
                f"  hwnas.sim on the same design: {sim['cycles_per_frame'] or 0:,.1f} cycles per frame, first frame "
                f"{sim['first_frame_latency'] or 0:,} cycles{', DEADLOCK' if sim['deadlock'] else ''}"
            )
        lines.append(f"  Verilator: build {self.build_s:.1f} s, simulation {self.simulate_s:.1f} s ({self.cycles:,} cycles)")
        return lines

    @property
    def ok(self) -> bool:
        return not self.deadlock and not self.fifo_overflow and all(
            c["agree"] == c["of"] for c in self.agreement.values()
        )


def input_words(graph_inputs: np.ndarray, *, datatype: str, in_width: int, elem_bits: int) -> list[int]:
    """Images in the graph's input domain and layout -> the input stream's words, image after image."""
    from hwnas.codegen.generate import encode_inputs
    from hwnas.codegen.packing import pack_words

    codes = encode_inputs(graph_inputs, datatype)
    per_word = in_width // elem_bits
    return pack_words(codes.reshape(-1, per_word), elem_bits)


def steady_state(cycles_at: list[int]) -> float | None:
    """Mean cycles between consecutive classes over the second half of the frames."""
    if len(cycles_at) < 3:
        return None
    start = len(cycles_at) // 2
    return (cycles_at[-1] - cycles_at[start]) / (len(cycles_at) - 1 - start)


def simulate_rtl(
    rtl_dir: Path, model, graph_inputs: np.ndarray, *, design: str, build_dir: Path, estimated_cycles: int | None,
    references: dict[str, np.ndarray] | None = None, seed: int = 1, out_ready_pct: int = OUT_READY_PCT,
    hwnas_sim=None,
) -> RtlsimResult:
    """Verilate ``rtl_dir`` (written from :func:`hwnas.rtl.generate.generate_rtl`) and classify
    ``graph_inputs``; ``references`` (name -> classes) are compared with what comes out, and
    ``hwnas_sim`` (a :class:`hwnas.sim.SimulationResult` of the same design) is recorded beside it,
    FIFO by FIFO."""
    from hwnas.codegen.generate import stream_interface
    from hwnas.codegen.layers import read_layers
    from hwnas.rtl.verilator import build_harness, run_harness

    _, streams = read_layers(model)
    ports = stream_interface(model, streams)
    datatype = model.get_tensor_datatype(model.graph.input[0].name).name
    words = input_words(graph_inputs, datatype=datatype, in_width=ports["in_width"], elem_bits=ports["in_elem_bits"])
    sources = [rtl_dir / line for line in (rtl_dir / "sources.f").read_text().split()]
    sources = [s for s in sources if s.name != f"{TOP}.v"]
    started = time.perf_counter()
    harness = build_harness(sources, top=DATAFLOW, inputs=["in0"], outputs=["out0"], build_dir=build_dir)
    built = time.perf_counter()
    frames = len(graph_inputs)
    # a frame takes at most a few times the slowest node's cycles; nothing moving for far longer is a deadlock
    stall_limit = 20 * (estimated_cycles or 100_000) + 10_000
    run = run_harness(
        harness, {"in0": words}, {"out0": frames}, work_dir=build_dir / "run", seed=seed, out_ready_pct=out_ready_pct,
        stall_limit=stall_limit, cwd=rtl_dir,
    )
    simulated = time.perf_counter()
    classes = run.outputs["out0"]
    agreement = {}
    for name, expected in (references or {}).items():
        expected = np.asarray(expected).ravel()
        count = min(len(expected), len(classes))
        agreement[name] = dict(agree=int((np.asarray(classes[:count]) == expected[:count]).sum()), of=len(expected))
    sim_peaks = {f"fifo_{f.name}": f.peak for f in hwnas_sim.fifos} if hwnas_sim is not None else {}
    # the depth the lowering sized (the cost model's FIFO depths); the RTL's own may have been overridden
    sized = {f"fifo_{s['name']}": s["depth"] for s in streams}
    fifos = []
    for instance, (peak, depth) in sorted(run.fifo_peaks.items()):
        # %m of the FIFO inside its stream's wrapper: TOP.hwnas_dataflow.fifo_<stream>_i.fifo
        name = instance.split(".")[-2].removesuffix("_i")
        fifos.append(dict(
            name=name, depth=depth, peak=peak, cost_model_depth=sized.get(name), hwnas_sim_peak=sim_peaks.get(name),
        ))
    return RtlsimResult(
        design=design, images=frames, classes=classes, cycles=run.cycles, deadlock=run.deadlock or len(classes) < frames,
        first_frame_latency=run.cycles_at["out0"][0] if classes else None,
        cycles_per_frame=steady_state(run.cycles_at["out0"]), estimated_cycles_per_frame=estimated_cycles,
        fifos=fifos, build_s=built - started, simulate_s=simulated - built, agreement=agreement,
        hwnas_sim=None if hwnas_sim is None else dict(
            cycles_per_frame=hwnas_sim.cycles_per_frame, first_frame_latency=hwnas_sim.first_frame_latency_cycles,
            deadlock=hwnas_sim.deadlock,
        ),
    )
