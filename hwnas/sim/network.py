"""Simulate the generated accelerator of a folded dataflow graph: the kernels and streams that
``hwnas.codegen`` generates (same layer parameters, same stream names and depths), fed by the
top's DMA reader and drained by its class writer, over N back-to-back frames."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from hwnas.sim.engine import SWEEPS, SimNode, SimStream, Timing
from hwnas.schedules import schedule, stream_source, stream_sink

SOURCE, SINK = "read_input", "write_output"
# the top's own streams (in_words, out_classes) carry no depth pragma: HLS's default depth
DEFAULT_DEPTH = 2


@dataclass(frozen=True)
class NodeReport:
    name: str
    kind: str
    iterations_per_frame: int  # cycles per frame when nothing stalls
    estimated_cycles_per_frame: int | None  # the cost model's figure for the FINN node, if it has one
    busy_cycles: int  # over all frames
    starved_cycles: int  # waiting for an input word, between its first and last iteration
    blocked_cycles: int  # waiting for room in an output FIFO


@dataclass(frozen=True)
class FifoReport:
    name: str
    depth: int
    peak: int
    width: int


@dataclass(frozen=True)
class SimulationResult:
    design: str
    frames: int
    cycles_per_frame: float | None  # steady state: mean interval between the last half's outputs; None on deadlock
    estimated_cycles_per_frame: int | None  # the cost model's bottleneck
    first_frame_latency_cycles: int | None  # None: a deadlock before the first class
    frames_completed: int
    total_cycles: int  # until the last iteration of any kernel
    deadlock: bool
    fifos: tuple[FifoReport, ...]
    nodes: tuple[NodeReport, ...]
    sweeps: int  # passes of the sweeping solution
    chunks: int  # vectorised advances of the event-driven one (0 when the sweeps settled)

    @property
    def deviation(self) -> float | None:
        """Simulated / estimated cycles per frame, minus one."""
        if not self.estimated_cycles_per_frame or self.cycles_per_frame is None:
            return None
        return self.cycles_per_frame / self.estimated_cycles_per_frame - 1

    @property
    def overflowing(self) -> tuple[FifoReport, ...]:
        return tuple(f for f in self.fifos if f.peak > f.depth)

    def verdict(self) -> str:
        if self.deadlock:
            return (
                f"DEADLOCK: the accelerator stops after {self.frames_completed} of {self.frames} frames, at cycle "
                f"{self.total_cycles:,} (a FIFO is too shallow where branches reconverge)"
            )
        rate = f"{self.cycles_per_frame:,.1f} cycles/frame in steady state"
        if self.estimated_cycles_per_frame:
            rate += f" ({self.deviation:+.1%} against the cost model's {self.estimated_cycles_per_frame:,})"
        return f"OK: no deadlock in {self.frames} frames, {rate}, first frame after {self.first_frame_latency_cycles:,} cycles"

    def table(self) -> str:
        rows = [("node", "kind", "iter/frame", "estimate", "busy", "starved", "blocked")]
        for n in self.nodes:
            estimate = "" if n.estimated_cycles_per_frame is None else f"{n.estimated_cycles_per_frame:,}"
            rows.append((n.name, n.kind, f"{n.iterations_per_frame:,}", estimate, f"{n.busy_cycles:,}",
                         f"{n.starved_cycles:,}", f"{n.blocked_cycles:,}"))
        rows.append(("fifo", "", "depth", "peak", "", "", ""))
        rows += [(f.name, "", f"{f.depth:,}", f"{f.peak:,}", "", "", "") for f in self.fifos]
        widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
        return "\n".join("  ".join(c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))).rstrip()
                         for r in rows)

    def to_json(self) -> dict:
        data = asdict(self)
        data["verdict"] = self.verdict()
        return data

    def write(self, path: Path) -> Path:
        path.write_text(json.dumps(self.to_json(), indent=2) + "\n")
        return path


def accelerator_graph(layers: list[dict], streams: list[dict], *, depths: dict[str, int | None] | None = None):
    """(nodes, streams) of the generated top: read_input -> the layers, forking and joining on
    their named streams -> write_output, with the stream names and depths hwnas.codegen.generate
    gives them. ``depths`` overrides stream depths by name."""
    first, last = streams[0]["name"], streams[-1]["name"]
    kernels = [schedule(layer) for layer in layers]
    words_in = next(len(k.reads[layer["inputs"].index(first)]) for layer, k in zip(layers, kernels) if first in layer["inputs"])
    nodes = [SimNode(SOURCE, "source", stream_source(words_in), (), (first,))]
    for layer, kernel in zip(layers, kernels):
        nodes.append(SimNode(layer["name"], layer["kind"], kernel, tuple(layer["inputs"]), tuple(layer["outputs"])))
    nodes.append(SimNode(SINK, "sink", stream_sink(len(kernels[-1].writes[0])), (last,), ()))
    sim_streams = {}
    for stream in streams:
        name = stream["name"]
        depth = DEFAULT_DEPTH if name in (first, last) else stream["depth"]
        if depths and name in depths:
            depth = depths[name]
        sim_streams[name] = SimStream(name, depth, stream["width"])
    return nodes, sim_streams


def sized_depths(layers: list[dict], streams: list[dict]) -> dict[str, int]:
    """The depth simulation finds each stream between kernels needs (``hwnas.sim.sizing``): a
    check on the cost model's depths, which the generated design uses."""
    from hwnas.sim.sizing import size_fifos

    nodes, sim_streams = accelerator_graph(layers, streams)
    needed = size_fifos(nodes, sim_streams)
    return {s["name"]: needed[s["name"]] for s in streams[1:-1]}


def reconverging_fifos(layers: list[dict]) -> list[str]:
    """The skip FIFO of every join (add, concat) that has one: of the streams it reads, the one
    whose path back to the fan-out passes strictly fewer kernels than the others. Its words wait
    there while the longer branch computes, so it needs the depth; at depth 2 the fan-out stalls
    and the join starves. (Branches of equal length, two convs summed, have no skip FIFO.)"""
    producer = {name: layer for layer in layers for name in layer["outputs"]}

    def kernels_to_fork(stream: str) -> int:
        count, layer = 0, producer.get(stream)
        while layer is not None and len(layer["outputs"]) == 1 and len(layer["inputs"]) == 1:
            count, layer = count + 1, producer.get(layer["inputs"][0])
        return count

    skips = []
    for layer in layers:
        if len(layer["inputs"]) > 1:
            lengths = sorted((kernels_to_fork(name), name) for name in layer["inputs"])
            if lengths[0][0] < lengths[1][0]:
                skips.append(lengths[0][1])
    return skips


def simulate_layers(layers, streams, frames: int, *, design: str = "accelerator", depths=None,
                    estimates: dict[str, int] | None = None, max_sweeps: int = SWEEPS) -> SimulationResult:
    """Simulate ``frames`` frames of the accelerator of ``read_layers``'s (layers, streams), with
    the FIFO depths hwnas generates (the streams' own, from the graph's StreamingFIFO nodes) except
    those ``depths`` names.

    ``estimates``: the cost model's cycles per frame by FINN node name; the bottleneck is their max.
    ``max_sweeps``: sweeps before the event-driven run takes over (``hwnas.sim.engine``).
    """
    if frames < 1:
        raise ValueError("simulate at least one frame")
    nodes, sim_streams = accelerator_graph(layers, streams, depths=depths)
    timing = Timing(nodes, sim_streams, frames, max_sweeps=max_sweeps)
    finn_names = {layer["name"]: layer["node"] for layer in layers}
    estimates = estimates or {}
    node_reports = []
    for node in nodes:
        starved, blocked = timing.stalls(node.name)
        node_reports.append(NodeReport(
            node.name, node.kind, node.schedule.iterations, estimates.get(finn_names.get(node.name)),
            len(timing.times[node.name]), starved, blocked,
        ))
    fifos = tuple(FifoReport(s.name, s.depth, timing.fifo_peak(s.name), s.width) for s in sim_streams.values())
    done = [int(t) for t in timing.times[SINK] if t >= 0]  # one class word per frame, -1 if never written
    steady = None
    if not timing.deadlock:
        half = (frames - 1) // 2
        steady = (done[-1] - done[half]) / (frames - 1 - half) if frames > 1 else done[0] + 1.0
    return SimulationResult(
        design=design, frames=frames, cycles_per_frame=steady,
        estimated_cycles_per_frame=max(estimates.values()) if estimates else None,
        first_frame_latency_cycles=done[0] + 1 if done else None, frames_completed=len(done),
        total_cycles=max(int(t.max()) for t in timing.times.values()) + 1, deadlock=timing.deadlock,
        fifos=fifos, nodes=tuple(node_reports), sweeps=timing.sweeps, chunks=timing.chunks,
    )


def simulate(model, frames: int, *, design: str = "accelerator", depths=None, estimates=None) -> SimulationResult:
    """Simulate the accelerator hwnas generates for the folded dataflow ``model`` (a ModelWrapper
    or a path to dataflow.onnx) over ``frames`` frames."""
    from hwnas.codegen.layers import read_layers

    if not hasattr(model, "graph"):
        from qonnx.core.modelwrapper import ModelWrapper

        model = ModelWrapper(str(model))
    layers, streams = read_layers(model)
    return simulate_layers(layers, streams, frames, design=design, depths=depths, estimates=estimates)


def cost_model_cycles(arch, folding_path: Path, board) -> dict[str, int]:
    """The cost model's cycles per frame of each FINN node of ``arch`` at the folding in
    ``folding_path`` (FINN's folding_config format, as the lowering writes it)."""
    from hwnas.cost import estimate, hardware_nodes, read_finn_config

    folding = read_finn_config(folding_path, hardware_nodes(arch))
    return {n.node.name: n.cost.cycles_per_frame for n in estimate(arch, folding, board).nodes}
