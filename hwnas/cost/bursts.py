"""How many words a stream between two kernels must hold so that neither waits for the other: the
burst depth of every producer -> consumer pair, from the kernels' token schedules.

A kernel's schedule (``hwnas.schedules``, the same loops the generated C++ runs) says in which
iteration of a frame it reads and writes each word. In the steady state every kernel handles one
frame per bottleneck period, so the model stretches each schedule evenly over one period (the
bottleneck's own is unstretched), lets the consumer lag the producer just enough that no read comes
before its word, and counts the words written and not yet read: an MVAU that reads a vector's words
in a burst and then computes for many cycles needs them all buffered, a kernel that reads one word
per iteration next to one that writes one needs the handshake's 2. The stretch scales both
schedules alike, so the depth depends on the pair alone and is cached by its parameters (the
optimiser sees the same shapes again and again).

Producer and consumer may use different word widths (the generated design converts between them):
depths count the consumer's words, where the FIFO sits.
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

import numpy as np

from hwnas.schedules import schedule

MIN_DEPTH = 2  # a FIFO of depth < 2 holds nothing (FINN charges it nothing and fifo.sv refuses it)
FRAMES = 3  # frames laid end to end: the occupancy pattern repeats from the second


def kernel(node, fold) -> tuple[dict, int, int]:
    """The layer parameters ``hwnas.schedules`` models ``node`` at ``fold`` with, and the
    elements a word carries on its input and on its output: the node type's own ``schedule_layer``
    (``hwnas.hw``)."""
    return node.schedule_layer(fold)


def pair_stages(producer, producer_fold, consumer, consumer_fold, port: int) -> tuple[tuple, ...]:
    """The kernel pairs a stream from ``producer`` into input ``port`` of ``consumer`` passes: one,
    or two where their words differ in width and the generated design converts between them (the
    converter takes a wide word only as fast as it hands on its narrow ones, so the producer's side
    needs its own FIFO): ((producer key, consumer key, port), ...), each a cache key."""
    return _stages(_kernel_key(producer, producer_fold), _kernel_key(consumer, consumer_fold), port)


@lru_cache(maxsize=1 << 16)
def _kernel_key(node, fold) -> tuple:
    return _key(kernel(node, fold))


@lru_cache(maxsize=1 << 16)
def kernel_id(node, fold) -> int | None:
    """A small int standing for the kernel ``node`` at ``fold`` is modelled as (equal for nodes
    whose schedules and word widths are equal), so pairs can be cached on two ints; None for a node
    type without a schedule. ``kernel_key(id)`` gives the key back."""
    if not hasattr(node, "schedule_layer"):
        return None
    key = _kernel_key(node, fold)
    found = _IDS.get(key)
    if found is None:
        if len(_KEYS) >= _IDS_LIMIT:
            # a long search met more kernels than are kept: start the ids afresh, and every cache
            # keyed by them (registered in ON_FORGET) with them
            for forget in (kernel_id.cache_clear, _IDS.clear, _KEYS.clear, *ON_FORGET):
                forget()
        found = _IDS[key] = len(_KEYS)
        _KEYS.append(key)
    return found


def kernel_key(kernel: int) -> tuple:
    return _KEYS[kernel]


ON_FORGET: list = []  # cache_clear of each cache keyed by kernel ids


_IDS: dict[tuple, int] = {}
_KEYS: list[tuple] = []
_IDS_LIMIT = 1 << 18


@lru_cache(maxsize=1 << 14)
def _stages(made: tuple, used: tuple, port: int) -> tuple[tuple, ...]:
    elems_out, elems_in = made[2], used[1]
    if elems_out == elems_in:
        return ((made, used, port),)
    words = len(schedule(_layer(made[0])).writes[0])
    converter = _key((dict(kind="dwc", in_width=elems_out, out_width=elems_in, in_words=words), elems_out, elems_in))
    return ((made, converter, 0), (converter, used, port))


def burst_depth(stage: tuple, *, late: float = 0.0) -> int:
    """The words the stream of one stage (``pair_stages``) must hold, in its consumer's words;
    ``late``: how much later than its least lag (in frames) the consumer starts, waiting for
    another input."""
    if not late:
        return _summary(*stage)[1]
    return _held(_pair(*stage), late)


def lag(stage: tuple) -> float:
    """How far (in frames) a stage's consumer lags its producer so that no read comes before its word."""
    return _summary(*stage)[0]


@lru_cache(maxsize=1 << 15)
def _summary(producer: tuple, consumer: tuple, port: int) -> tuple[float, int]:
    """(lag, depth) of a pair: small, so many are kept (the optimiser meets the same pairs often)."""
    (p_layer, _, elems_out), (c_layer, elems_in, _) = producer, consumer
    if elems_out != elems_in:  # never from pair_stages, which converts widths in a stage of its own
        return _summary_general(producer, consumer, port)
    made, used = schedule(_layer(p_layer)), schedule(_layer(c_layer))
    writes, reads = made.writes[0], used.reads[port]
    if len(writes) != len(reads):
        raise ValueError(f"{p_layer} writes {len(writes) * elems_out} elements, {c_layer} reads {len(reads) * elems_in}")
    return _one_width_summary(writes, made.iterations, reads, used.iterations)


def _summary_general(producer: tuple, consumer: tuple, port: int) -> tuple[float, int]:
    """``_summary`` from every word time of FRAMES frames (``_pair``): the reference
    ``_one_width_summary`` is tested against."""
    pair = _pair(producer, consumer, port)
    return pair.lag, _held(pair, 0.0)


def _one_width_summary(writes: np.ndarray, made_iterations: int, reads: np.ndarray, used_iterations: int) -> tuple[float, int]:
    """``_pair``'s lag and ``_held(pair, 0)`` where a word read is a word written (the same element
    count), with the same floating-point operations on the same values, but the producer's word
    times computed only where needed: at the ends of blocks of words, and inside the blocks whose
    bounds (from those ends: both word times only grow) could beat the best end."""
    n, frames = len(writes), FRAMES
    cycle = 1 / max(made_iterations, used_iterations)

    def written(k: np.ndarray) -> np.ndarray:
        return (writes[k % n] + (k // n) * made_iterations) / made_iterations

    def read(k: np.ndarray) -> np.ndarray:
        return (reads[k % n] + (k // n) * used_iterations) / used_iterations

    total = frames * n
    # the least lag: the largest written - read over the words, plus a cycle
    starts = np.arange(0, total, _BLOCK)
    ends = np.minimum(starts + _BLOCK, total) - 1
    best = float(np.max(written(ends) - read(ends)))
    bound = written(ends) - read(starts)
    open_blocks = np.flatnonzero(bound > best)
    if len(open_blocks):
        inside = (starts[open_blocks][:, None] + np.arange(_BLOCK)[None, :]).ravel()
        inside = inside[inside < total]
        best = max(best, float(np.max(written(inside) - read(inside))))
    least = best + cycle
    # the most words held: as _held(pair, 0.0), ready = read_at + 0.0 + cycle (adding 0.0 changes no value)
    ready = ((reads[None, :] + np.arange(frames, dtype=np.int64)[:, None] * used_iterations) / used_iterations).ravel()
    ready += least
    ready += cycle
    read_by_start = np.searchsorted(ready, written(starts), side="right")
    read_by_end = np.searchsorted(ready, written(ends), side="right")
    most = int((ends + 1 - read_by_end).max())
    open_blocks = np.flatnonzero(ends + 1 - read_by_start > most)
    if len(open_blocks):
        inside = (starts[open_blocks][:, None] + np.arange(_BLOCK)[None, :]).ravel()
        inside = inside[inside < total]
        most = max(most, int((inside + 1 - np.searchsorted(ready, written(inside), side="right")).max()))
    return least, max(MIN_DEPTH, most)


def _key(found: tuple[dict, int, int]) -> tuple:
    layer, in_elems, out_elems = found
    return tuple((k, v if not isinstance(v, tuple) else tuple(tuple(sorted(d.items())) for d in v)) for k, v in layer.items()), in_elems, out_elems


def _layer(items: tuple) -> dict:
    return {k: v if k != "ins" else tuple(dict(d) for d in v) for k, v in items}


class _Pair(NamedTuple):
    written: np.ndarray  # producer word times over FRAMES frames, in frames
    read_at: np.ndarray  # consumer word times at the least lag, in frames
    complete: np.ndarray  # consumer words complete at each producer write
    cycle: float  # one cycle, in frames (a word is readable the cycle after its write)
    lag: float


@lru_cache(maxsize=64)  # word times of a few frames: megabytes for a large layer, so only a few kept
def _pair(producer: tuple, consumer: tuple, port: int) -> _Pair:
    (p_layer, _, elems_out), (c_layer, elems_in, _) = producer, consumer
    made, used = schedule(_layer(p_layer)), schedule(_layer(c_layer))
    cycle = 1 / max(made.iterations, used.iterations)
    frames = np.arange(FRAMES, dtype=np.int64)[:, None]
    # word times in frames, each schedule stretched evenly over one
    written = ((made.writes[0][None, :] + frames * made.iterations) / made.iterations).ravel()
    reads = ((used.reads[port][None, :] + frames * used.iterations) / used.iterations).ravel()
    words_in = np.arange(1, len(reads) + 1, dtype=np.int64)
    if len(written) * elems_out != len(reads) * elems_in:
        raise ValueError(f"{p_layer} writes {len(written) * elems_out} elements, {c_layer} reads {len(reads) * elems_in}")
    needs = (words_in * elems_in + elems_out - 1) // elems_out - 1  # the producer word each read completes
    least = float(np.max(written[needs] - reads)) + cycle
    complete = (np.arange(1, len(written) + 1, dtype=np.int64) * elems_out) // elems_in
    return _Pair(written, reads + least, complete, cycle, least)


def _held(pair: _Pair, late: float) -> int:
    """The most words written and not yet read when the consumer starts ``late`` frames after its
    least lag: each whole frame late adds a frame of words (the schedules repeat every frame)."""
    frames, part = divmod(late, 1.0)
    ready = pair.read_at + part + pair.cycle  # when each word can be read
    words_per_frame = len(pair.read_at) // FRAMES
    return max(MIN_DEPTH, _most_held(pair.written, pair.complete, ready) + int(frames) * words_per_frame)


_BLOCK = 64  # writes per block in _most_held


def _most_held(written: np.ndarray, complete: np.ndarray, ready: np.ndarray) -> int:
    """max over writes k of complete[k] - (reads ready by written[k]), exactly, without a search
    for every write: the count is exact at each block's ends, so a block whose words completed at its
    end minus the reads before its start cannot beat the best end seen is skipped whole (both counts
    only grow along the writes)."""
    n = len(written)
    if n <= 4 * _BLOCK:
        return int((complete - np.searchsorted(ready, written, side="right")).max())
    starts = np.arange(0, n, _BLOCK)
    ends = np.minimum(starts + _BLOCK, n) - 1
    read_by_start = np.searchsorted(ready, written[starts], side="right")
    read_by_end = np.searchsorted(ready, written[ends], side="right")
    best = int((complete[ends] - read_by_end).max())
    open_blocks = np.flatnonzero(complete[ends] - read_by_start > best)
    if len(open_blocks):
        inside = (starts[open_blocks][:, None] + np.arange(_BLOCK)[None, :]).ravel()
        inside = inside[inside < n]
        best = max(best, int((complete[inside] - np.searchsorted(ready, written[inside], side="right")).max()))
    return best
