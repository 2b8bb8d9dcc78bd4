"""The simulator's timing engine on small graphs built by hand, including a fork and a join (the
node kinds branching networks add), where a FIFO too shallow deadlocks the hardware."""

from __future__ import annotations

import numpy as np
import pytest

from hwnas.sim.engine import SimNode, SimStream, Timing
from hwnas.schedules import Schedule, stream_sink, stream_source

WORDS = 16  # words per frame


def _schedule(iterations, reads=(), writes=()) -> Schedule:
    return Schedule(iterations, tuple(np.asarray(r, dtype=np.int64) for r in reads),
                    tuple(np.asarray(w, dtype=np.int64) for w in writes))


def _fork_join(skip_depth: int):
    """source -> duplicate -> (hold: reads a whole frame, then writes it | skip FIFO) -> add -> sink.

    The hold branch writes nothing before it has read all WORDS words, so the add cannot read the
    skip branch's first word before then: the skip FIFO must hold a whole frame (WORDS words, one
    more than its depth can miss) or the duplicate blocks and nothing moves again."""
    every = np.arange(WORDS)
    nodes = [
        SimNode("source", "source", stream_source(WORDS), (), ("in",)),
        SimNode("duplicate", "duplicate", _schedule(WORDS, [every], [every, every]), ("in",), ("a", "skip")),
        SimNode("hold", "hold", _schedule(2 * WORDS, [every], [every + WORDS]), ("a",), ("held",)),
        SimNode("add", "add", _schedule(WORDS, [every, every], [every]), ("held", "skip"), ("out",)),
        SimNode("sink", "sink", stream_sink(WORDS), ("out",), ()),
    ]
    streams = {name: SimStream(name, 2, 1) for name in ("in", "a", "held", "out")}
    streams["skip"] = SimStream("skip", skip_depth, 1)
    return nodes, streams


@pytest.mark.parametrize("max_sweeps", [0, 24], ids=["event-driven", "sweeps"])
def test_a_shallow_skip_fifo_deadlocks_and_a_deep_one_does_not(max_sweeps):
    nodes, streams = _fork_join(skip_depth=WORDS - 1)
    shallow = Timing(nodes, streams, 3, max_sweeps=max_sweeps)
    assert shallow.deadlock
    nodes, streams = _fork_join(skip_depth=WORDS)
    deep = Timing(nodes, streams, 3, max_sweeps=max_sweeps)
    assert not deep.deadlock
    assert deep.fifo_peak("skip") == WORDS
    # the hold branch is the bottleneck: 2 * WORDS cycles a frame once the pipeline is full
    frame_ends = deep.times["sink"][WORDS - 1 :: WORDS]
    assert np.diff(frame_ends).tolist() == [2 * WORDS, 2 * WORDS]


def test_sweeps_and_event_driven_runs_agree_where_backpressure_binds():
    """A fast producer into a bursty consumer through a depth-2 FIFO: many hand-overs, which the
    sweeps give up on and the event-driven run finishes; both give the same times."""
    sf, nf = 4, 3  # an MVAU-like consumer: reads 4 words, then replays them twice without reading
    i = np.arange(sf * nf)
    consumer = _schedule(len(i), [i[i // sf == 0]], [i[i % sf == sf - 1]])
    nodes = [
        SimNode("source", "source", stream_source(sf), (), ("in",)),
        SimNode("mvau", "mvau", consumer, ("in",), ("out",)),
        SimNode("sink", "sink", stream_sink(nf), ("out",), ()),
    ]
    streams = {"in": SimStream("in", 2, 1), "out": SimStream("out", 2, 1)}
    event_driven = Timing(nodes, streams, 50, max_sweeps=0)
    sweeps = Timing(nodes, streams, 50, max_sweeps=10_000)
    assert sweeps.sweeps > 1 and event_driven.chunks > 0
    for name in event_driven.times:
        np.testing.assert_array_equal(event_driven.times[name], sweeps.times[name])
    # the FIFO's depth is what throttles the source: it never runs more than 2 words ahead
    assert event_driven.fifo_peak("in") == 2
    unbounded = Timing(nodes, {**streams, "in": SimStream("in", None, 1)}, 50)
    assert unbounded.fifo_peak("in") > 2
