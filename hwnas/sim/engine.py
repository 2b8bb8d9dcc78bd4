"""Cycle-level timing of a dataflow graph of kernels joined by FIFOs.

Each kernel runs its schedule (``hwnas.schedules``) one iteration per cycle at best. Its n-th
iteration happens at the earliest cycle T(n) with
  - T(n) >= T(n-1) + 1                              (II=1);
  - T(n) >= W(k) + 1 if it reads word k of a stream  (a word is readable the cycle after its write);
  - T(n) >= R(k - depth) + 1 if it writes word k     (a slot is free the cycle after its read),
where W and R are the producer's and consumer's iteration times of that word: HLS's blocking FIFO
reads and writes. A kernel's decision to read or write never depends on the FIFOs, so these times
are final once the words they wait for have final times.

The earliest times are the least solution of this max-plus system, found two ways, both with one
vectorised pass per kernel at a time (T = n + running max of (bound - n)), never a loop over cycles:
  - sweeps: every kernel over one frame's iterations, forward then backward through the graph,
    until nothing moves, then the next frame (no iteration waits for a later frame). Few sweeps a
    frame when the FIFOs are deep enough (sized), but one per hand-over between two kernels that
    wait for each other, which tight FIFOs make many;
  - event-driven chunks, when the sweeps have not settled after ``SWEEPS``: a kernel advances over
    every iteration whose words are already written (inputs) and whose slots are already freed
    (outputs); then the next kernel. Exact whatever the depths, and it finds deadlocks: when no
    kernel can advance before all are done, the graph has deadlocked (a FIFO too shallow where
    branches reconverge).
Kernels with several input or output ports (add, concat, duplicate) need no change here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hwnas.schedules import Schedule

SWEEPS = 400  # per frame: sized FIFOs need a few, a FIFO cut to 2 some hundreds


@dataclass(frozen=True)
class SimNode:
    name: str
    kind: str
    schedule: Schedule
    inputs: tuple[str, ...]  # stream names, one per input port
    outputs: tuple[str, ...]


@dataclass(frozen=True)
class SimStream:
    name: str
    depth: int | None  # None: unbounded (for sizing)
    width: int


def _frames_of(indices: np.ndarray, iterations: int, frames: int) -> np.ndarray:
    """Per-frame iteration indices repeated over ``frames`` back-to-back frames."""
    return (np.arange(frames, dtype=np.int64)[:, None] * iterations + indices[None, :]).ravel()


@dataclass(frozen=True)
class _Port:
    node: str
    indices: np.ndarray  # the node's iterations that handle the stream's words, in word order


class Timing:
    """The earliest iteration times of every node of a graph over ``frames`` frames (-1 for
    iterations a deadlock never reaches).

    ``nodes`` in a topological order; ``source_interval`` > 0 holds back the nodes without inputs
    to one frame per ``source_interval`` cycles, their iterations spread evenly (FIFO sizing at a
    frame rate).
    """

    def __init__(self, nodes: list[SimNode], streams: dict[str, SimStream], frames: int, *, source_interval: int = 0,
                 max_sweeps: int = SWEEPS):
        self.nodes, self.streams, self.frames = {node.name: node for node in nodes}, streams, frames
        self.writer: dict[str, _Port] = {}
        self.reader: dict[str, _Port] = {}
        for node in nodes:
            n = node.schedule.iterations
            for name, idx in zip(node.outputs, node.schedule.writes):
                self.writer[name] = _Port(node.name, _frames_of(idx, n, frames))
            for name, idx in zip(node.inputs, node.schedule.reads):
                self.reader[name] = _Port(node.name, _frames_of(idx, n, frames))
        for name in streams:
            written, read = len(self.writer[name].indices), len(self.reader[name].indices)
            if written != read:
                raise ValueError(
                    f"stream {name}: {self.writer[name].node} writes {written // frames} words a frame, "
                    f"{self.reader[name].node} reads {read // frames}"
                )
        self._base = {}
        for node in nodes:
            floor = np.zeros(node.schedule.iterations * frames, dtype=np.int64)
            if source_interval and not node.inputs:
                # evenly spread: a burst would only fill FIFOs that backpressure makes unnecessary
                floor = np.arange(len(floor), dtype=np.int64) * source_interval // node.schedule.iterations
            self._base[node.name] = floor
        self.chunks = self.sweeps = 0
        self.times = {name: floor.copy() for name, floor in self._base.items()}
        self._done = {name: len(t) for name, t in self.times.items()}  # iterations with final times
        if self._sweep(list(nodes), max_sweeps):
            self.deadlock = False
            return
        self.times = {name: np.full(len(floor), -1, dtype=np.int64) for name, floor in self._base.items()}
        self._done = dict.fromkeys(self.nodes, 0)
        self.deadlock = self._run(list(nodes))

    def _lower_bound(self, node: SimNode, start: int, stop: int, *, outputs: bool = True) -> np.ndarray:
        """The earliest cycles iterations [start, stop) of ``node`` allow from its neighbours'
        current times (and its own previous iteration); ``outputs=False``: from its inputs only."""
        lower = self._base[node.name][start:stop].copy()
        for name in node.inputs:
            w, r = self.writer[name], self.reader[name]
            lo, hi = np.searchsorted(r.indices, [start, stop])
            at = r.indices[lo:hi] - start
            lower[at] = np.maximum(lower[at], self.times[w.node][w.indices[lo:hi]] + 1)
        for name in node.outputs if outputs else ():
            depth = self.streams[name].depth
            if depth is None:
                continue
            w, r = self.writer[name], self.reader[name]
            lo, hi = np.searchsorted(w.indices, [start, stop])
            lo = max(lo, depth)
            if lo < hi:
                at = w.indices[lo:hi] - start
                lower[at] = np.maximum(lower[at], self.times[r.node][r.indices[lo - depth : hi - depth]] + 1)
        if start and outputs:
            lower[0] = max(lower[0], self.times[node.name][start - 1] + 1)
        return lower

    def _place(self, node: SimNode, start: int, stop: int) -> bool:
        """Set iterations [start, stop) to their earliest times under the current bounds: one
        running max (each iteration at least one cycle after the one before). Whether any moved."""
        steps = np.arange(stop - start, dtype=np.int64)
        new = np.maximum.accumulate(self._lower_bound(node, start, stop) - steps) + steps
        moved = not np.array_equal(new, self.times[node.name][start:stop])
        self.times[node.name][start:stop] = new
        return moved

    def _sweep(self, nodes: list[SimNode], max_sweeps: int) -> bool:
        """Sweep from below to the least solution, frame by frame: an iteration of frame f waits
        only for words of frames up to f (a FIFO slot frees from an earlier word), so each frame
        settles with the ones before it final. False if a frame has not settled in ``max_sweeps``."""
        for frame in range(self.frames):
            order, sweeps = list(nodes), 0
            while True:
                if sweeps == max_sweeps:
                    return False
                sweeps += 1
                moved = False
                for node in order:
                    n = node.schedule.iterations
                    moved |= self._place(node, frame * n, (frame + 1) * n)
                if not moved:
                    break
                order.reverse()  # backpressure travels upstream in one backward sweep
            self.sweeps += sweeps
        return True

    def _reachable(self, node: SimNode) -> int:
        """The first iteration of ``node`` that waits for a word not yet written or a slot not yet
        freed by a neighbour (its total iterations if none)."""
        limit = len(self.times[node.name])
        for name in node.inputs:
            ready = self._words_done(self.writer[name])
            own = self.reader[name].indices
            if ready < len(own):
                limit = min(limit, int(own[ready]))
        for name in node.outputs:
            depth = self.streams[name].depth
            own = self.writer[name].indices
            if depth is not None and self._words_done(self.reader[name]) + depth < len(own):
                limit = min(limit, int(own[self._words_done(self.reader[name]) + depth]))
        return limit

    def _words_done(self, port: _Port) -> int:
        """How many of a stream's words a port's node has handled (written or read) so far."""
        return int(np.searchsorted(port.indices, self._done[port.node]))

    def _run(self, nodes: list[SimNode]) -> bool:
        """Event-driven: advance kernels in turn, each over every iteration it can reach, until all
        are done (False) or none can move (True: deadlock)."""
        while True:
            moved, finished = False, True
            for node in nodes:
                stop = self._reachable(node)
                if stop > self._done[node.name]:
                    self._place(node, self._done[node.name], stop)
                    self._done[node.name] = stop
                    self.chunks += 1
                    moved = True
                finished &= self._done[node.name] == len(self.times[node.name])
            if finished:
                return False
            if not moved:
                return True

    def stalls(self, name: str) -> tuple[int, int]:
        """(starved, blocked) cycles of a node between its first and last iteration: cycles it
        waited for an input word, and cycles it waited for room in an output FIFO."""
        t = self.times[name][: self._done[name]]
        gaps = np.diff(t) - 1
        stalled = gaps > 0
        if not stalled.any():
            return 0, 0
        starved = (self._lower_bound(self.nodes[name], 0, len(t), outputs=False) == t)[1:] & stalled
        return int(gaps[starved].sum()), int(gaps[stalled & ~starved].sum())

    def fifo_peak(self, stream: str) -> int:
        """The most words ``stream`` ever held: at the write of word k, the words up to k still unread."""
        w, r = self.writer[stream], self.reader[stream]
        written = self._words_done(w)
        write_times = self.times[w.node][w.indices[:written]]
        freed = self.times[r.node][r.indices[: self._words_done(r)]] + 1  # sorted: words are read in order
        held = np.arange(1, written + 1) - np.searchsorted(freed, write_times, side="right")
        return int(held.max()) if written else 0
