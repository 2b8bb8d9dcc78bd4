"""A pair's lag and burst depth come from ``bursts._one_width_summary``, which computes the
producer's word times only where a block of words could hold the most; it must equal the
reference computed from every word time of three frames (``bursts._summary_general``), bit for bit,
on every stage of random chains, branching specs and CNV-sized networks at random legal foldings."""

import numpy as np

from hwnas.arch.sample import random_arch, random_branching_arch
from hwnas.cost import Folding, bursts
from hwnas.hw.fold import UNFOLDED
from hwnas.cost.node_cost import candidate_folds
from hwnas.cost.nodes import hardware_graph
from hwnas.arch.spec import Arch, Conv, ImageInput, Linear, MaxPool, arch_from_dict


def _cnv_like(rng) -> Arch:
    c1, c2, c3 = (int(rng.choice(w)) for w in ([16, 32, 48], [32, 64, 96], [64, 128]))
    layers = (Conv(c1, 3), Conv(c1, 3), MaxPool(2), Conv(c2, 3), Conv(c2, 3), MaxPool(2), Conv(c3, 3), Linear(64), Linear(10))
    arch = Arch("cnv-like", ImageInput(3, 32, 32, 8), 10, layers)
    return arch_from_dict(arch.to_dict(), source=arch.name)


def _stages(rng, arch):
    hw_nodes, edges = hardware_graph(arch)
    for _ in range(3):
        folds = {}
        for node in hw_nodes:
            choices = candidate_folds(node)
            folds[node.name] = choices[int(rng.integers(len(choices)))] if choices else UNFOLDED
        for index, reads in enumerate(edges):
            for port, j in enumerate(reads):
                consumer, producer = hw_nodes[index], hw_nodes[j]
                yield from bursts.pair_stages(producer, folds[producer.name], consumer, folds[consumer.name], port)


def test_one_width_summary_equals_the_full_reference():
    rng = np.random.default_rng(7)
    stages = {}
    for i in range(45):
        arch = (random_branching_arch(rng) if i % 3 == 0 else
                random_arch(rng, kind="conv") if i % 3 == 1 else _cnv_like(rng))
        for stage in _stages(rng, arch):
            stages[stage] = None
    assert len(stages) > 300
    large = 0
    for producer, consumer, port in stages:
        fast = bursts._summary.__wrapped__(producer, consumer, port)
        assert fast == bursts._summary_general(producer, consumer, port), (producer, consumer, port)
        large += len(bursts.schedule(bursts._layer(producer[0])).writes[0]) > 4 * bursts._BLOCK
    assert large > 100  # most stages take the blocked path
