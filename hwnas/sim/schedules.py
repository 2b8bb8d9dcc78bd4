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
    i = np.arange(layer["vectors"] * nf * sf)
    return _frozen(len(i), [i[(i // sf) % nf == 0]], [i[i % sf == sf - 1]])


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


@lru_cache(maxsize=256)
def _swg_schedule(cf, ifm_h, ifm_w, ofm_h, ofm_w, k_h, k_w, s_h, s_w, d_h, d_w, group) -> Schedule:
    """hwnas::sliding_window_grouped's loop, counter for counter (data-independent)."""
    groups = k_h * k_w * cf // group
    row_words = ifm_w * cf
    rows = min((k_h - 1) * d_h + 1 + s_h, ifm_h)
    in_words, out_words = ifm_h * row_words, ofm_h * ofm_w * groups
    # the raster index of each group's last word, relative to its output pixel's top-left corner
    last = np.arange(groups) * group + group - 1
    last_offset = ((last // (k_w * cf)) * d_h * row_words + ((last // cf) % k_w) * d_w * cf + last % cf).tolist()
    reads, writes = [], []
    read = read_row = read_col = written = oy = ox = g = i = 0
    corner = 0  # raster index of the current output pixel's top-left word
    while written < out_words or read < in_words:
        # both decisions come from the counters at the start of the iteration, as in the kernel
        can_read = read < in_words and read_row < oy * s_h + rows
        if written < out_words and read > corner + last_offset[g]:
            writes.append(i)
            written += 1
            g += 1
            if g == groups:
                g = 0
                ox += 1
                if ox == ofm_w:
                    ox = 0
                    oy += 1
                corner = oy * s_h * row_words + ox * s_w * cf
        if can_read:
            reads.append(i)
            read += 1
            read_col += 1
            if read_col == row_words:
                read_col = 0
                read_row += 1
        i += 1
    return _frozen(i, [reads], [writes])


def _dwc(layer: dict) -> Schedule:
    return _dwc_schedule(layer["in_width"], layer["out_width"], layer["in_words"])


@lru_cache(maxsize=256)
def _dwc_schedule(in_width: int, out_width: int, in_words: int) -> Schedule:
    """hwnas::width_convert's loop: read while the buffer lacks an output word, then write
    whenever a whole one is buffered."""
    out_words = in_width * in_words // out_width
    reads, writes = [], []
    fill = read = written = i = 0
    while written < out_words:
        if read < in_words and fill < out_width:
            reads.append(i)
            fill += in_width
            read += 1
        if fill >= out_width:
            writes.append(i)
            fill -= out_width
            written += 1
        i += 1
    return _frozen(i, [reads], [writes])


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
