"""Token schedules of the HLS kernels: in which loop iteration of one frame each kernel reads and
writes a stream word, from the same layer parameters the code generator fills its templates with
(``hwnas.codegen.layers.read_layers``).

Every kernel in hls_templates/kernels is one loop pipelined at II=1 whose decision to read or write
in an iteration depends only on its counters, never on the data or on the FIFOs: a schedule is
therefore a fixed list of iterations per frame, and a stalled iteration only moves later in time.
Each function below mirrors its kernel's loop; ``tests/sim`` checks the counts against the C-sim.

One kind, one function, registered in ``SCHEDULES``; a kind with two inputs or outputs (add,
concat, duplicate) returns one index array per port.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np


@dataclass(frozen=True)
class Schedule:
    """One frame of a kernel: ``iterations`` loop iterations (cycles when nothing stalls); for each
    input port the iterations that read a word, for each output port those that write one (sorted,
    the k-th entry handles the port's k-th word of the frame)."""

    iterations: int
    reads: tuple[np.ndarray, ...]
    writes: tuple[np.ndarray, ...]


def _frozen(iterations: int, reads: list, writes: list) -> Schedule:
    arrays = []
    for group in (reads, writes):
        frozen = []
        for indices in group:
            array = np.asarray(indices, dtype=np.int64)
            array.flags.writeable = False
            frozen.append(array)
        arrays.append(tuple(frozen))
    return Schedule(iterations, *arrays)


def _mvau(layer: dict) -> Schedule:
    """hwnas::mvau: NUM_VECS * NF * SF iterations; reads during the first neuron fold of each
    vector, writes after the last synapse fold of each neuron fold."""
    sf, nf = layer["mw"] // layer["simd"], layer["mh"] // layer["pe"]
    iterations = layer["vectors"] * nf * sf
    # built from the words, not from every iteration: unfolded layers run millions of them
    reads = (np.arange(layer["vectors"], dtype=np.int64)[:, None] * (nf * sf) + np.arange(sf)[None, :]).ravel()
    return _frozen(iterations, [reads], [np.arange(sf - 1, iterations, sf, dtype=np.int64)])


def _thresholding(layer: dict) -> Schedule:
    i = np.arange(layer["vectors"] * layer["channels"] // layer["pe"])
    return _frozen(len(i), [i], [i])


def _pool(layer: dict) -> Schedule:
    """hwnas::max_pool: one word read per iteration; a pixel's channel word is written with its
    last window position."""
    cf = layer["channels"] // layer["pe"]
    i = np.arange(layer["pixels"] * layer["k2"] * cf)
    return _frozen(len(i), [i], [i[(i // cf) % layer["k2"] == layer["k2"] - 1]])


def _fmpadding(layer: dict) -> Schedule:
    """hwnas::fm_padding: one word written per iteration, read only inside the image."""
    cf = layer["channels"] // layer["simd"]
    out_h = layer["in_h"] + layer["top"] + layer["bottom"]
    out_w = layer["in_w"] + layer["left"] + layer["right"]
    i = np.arange(out_h * out_w * cf)
    y, x = i // (out_w * cf), (i // cf) % out_w
    inside = (y >= layer["top"]) & (y < layer["top"] + layer["in_h"]) & (x >= layer["left"]) & (x < layer["left"] + layer["in_w"])
    return _frozen(len(i), [i[inside]], [i])


def _labelselect(layer: dict) -> Schedule:
    """hwnas::label_select: LABELS / PE reads; the class is written after the loop, counted here
    with its last iteration."""
    n = layer["labels"] // layer["pe"]
    return _frozen(n, [np.arange(n)], [[n - 1]])


def _swg(layer: dict) -> Schedule:
    return _swg_schedule(
        layer["channels"] // layer["simd"], layer["ifm_h"], layer["ifm_w"], layer["ofm_h"], layer["ofm_w"],
        layer["k_h"], layer["k_w"], layer["s_h"], layer["s_w"], layer["d_h"], layer["d_w"],
        layer["k_h"] * layer["k_w"] if layer["parallel"] else 1,
    )


@lru_cache(maxsize=1024)
def _swg_schedule(cf, ifm_h, ifm_w, ofm_h, ofm_w, k_h, k_w, s_h, s_w, d_h, d_w, group) -> Schedule:
    """hwnas::sliding_window_grouped's loop (data-independent). Each iteration it writes the next
    group once the words that group ends on have been read (in an earlier iteration), and reads the
    next word once the output row in progress reaches the rows the word belongs to; both decisions
    come from the counters at the start of the iteration. Those are two chains of earliest times
    that wait for each other, solved here by sweeping both until nothing moves (one sweep per hand
    over between buffering rows and emitting them, not one per iteration);
    ``tests/sim/test_sim_schedules.py`` checks it against the loop written out counter for counter."""
    groups = k_h * k_w * cf // group
    row_words = ifm_w * cf
    rows = min((k_h - 1) * d_h + 1 + s_h, ifm_h)
    in_words, out_words = ifm_h * row_words, ofm_h * ofm_w * groups
    # the raster index of each group's last word, relative to its output pixel's top-left corner
    last = np.arange(groups) * group + group - 1
    last_offset = (last // (k_w * cf)) * d_h * row_words + ((last // cf) % k_w) * d_w * cf + last % cf
    k = np.arange(out_words, dtype=np.int64)
    pixel = k // groups
    needs = (pixel // ofm_w) * s_h * row_words + (pixel % ofm_w) * s_w * cf + last_offset[k % groups]
    row = np.arange(in_words, dtype=np.int64) // row_words
    # a word of input row r waits for output row (r - rows) // s_h + 1 to begin: for that many rows' writes
    waits = np.minimum(np.maximum((row - rows) // s_h + 1, 0), ofm_h) * (ofm_w * groups)
    waiting = waits > 0
    writes, reads = k.copy(), np.arange(in_words, dtype=np.int64)
    while True:
        new_writes = _earliest(reads[needs] + 1)
        bound = np.zeros(in_words, dtype=np.int64)
        bound[waiting] = new_writes[waits[waiting] - 1] + 1
        new_reads = _earliest(bound)
        if np.array_equal(new_writes, writes) and np.array_equal(new_reads, reads):
            break
        writes, reads = new_writes, new_reads
    iterations = int(max(writes[-1] if out_words else -1, reads[-1] if in_words else -1)) + 1
    return _frozen(iterations, [reads], [writes])


def _earliest(lower: np.ndarray) -> np.ndarray:
    """The earliest iterations of a sequence, one per iteration at most, each at or after its ``lower``."""
    steps = np.arange(len(lower), dtype=np.int64)
    return np.maximum.accumulate(lower - steps) + steps


def _dwc(layer: dict) -> Schedule:
    return _dwc_schedule(layer["in_width"], layer["out_width"], layer["in_words"])


@lru_cache(maxsize=1024)
def _dwc_schedule(in_width: int, out_width: int, in_words: int) -> Schedule:
    """hwnas::width_convert's loop: read while the buffer lacks an output word, then write
    whenever a whole one is buffered. Splitting (in_width >= out_width), it writes every iteration
    and reads word k in iteration k * in_width // out_width; merging, it reads every iteration and
    writes word w in the iteration its last bit arrives. (``tests/sim/test_sim_schedules.py``
    checks this against the loop.)"""
    out_words = in_width * in_words // out_width
    if in_width >= out_width:
        reads = np.arange(in_words, dtype=np.int64) * in_width // out_width
        return _frozen(out_words, [reads], [np.arange(out_words, dtype=np.int64)])
    writes = -(-(np.arange(1, out_words + 1, dtype=np.int64) * out_width) // in_width) - 1
    iterations = int(writes[-1]) + 1 if out_words else 0
    return _frozen(iterations, [np.arange(min(in_words, iterations), dtype=np.int64)], [writes])


def _duplicate(layer: dict) -> Schedule:
    """hwnas::duplicate: each iteration reads a word and writes it to every branch."""
    i = np.arange(layer["out_words"])
    return _frozen(len(i), [i], [i] * layer["branches"])


def _add(layer: dict) -> Schedule:
    """hwnas::elementwise_add: each iteration reads a word of both inputs and writes their sum."""
    i = np.arange(layer["words"])
    return _frozen(len(i), [i, i], [i])


def _concat(layer: dict) -> Schedule:
    """hwnas::concat: per pixel, input 0's channel folds, then input 1's (then 2's), one word an
    iteration, each written in the iteration it is read."""
    folds = [port["channels"] // layer["simd"] for port in layer["ins"]]
    i = np.arange(layer["vectors"] * sum(folds))
    fold = i % sum(folds)
    bounds = np.cumsum([0] + folds)
    return _frozen(len(i), [i[(fold >= lo) & (fold < hi)] for lo, hi in zip(bounds[:-1], bounds[1:])], [i])


def stream_source(words: int) -> Schedule:
    """The top's read_input: one DMA word into the first stream per iteration."""
    i = np.arange(words)
    return _frozen(words, [], [i])


def stream_sink(words: int) -> Schedule:
    """The top's write_output: one class word per iteration out to the DMA."""
    i = np.arange(words)
    return _frozen(words, [i], [])


SCHEDULES = {
    "mvau": _mvau,
    "thresholding": _thresholding,
    "pool": _pool,
    "fmpadding": _fmpadding,
    "labelselect": _labelselect,
    "swg": _swg,
    "dwc": _dwc,
    "duplicate": _duplicate,
    "add": _add,
    "concat": _concat,
}


def schedule(layer: dict) -> Schedule:
    return SCHEDULES[layer["kind"]](layer)
