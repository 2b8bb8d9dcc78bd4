"""The optimiser's vectorised tables against the estimate's one-folding formulas, entry by entry."""

import numpy as np
import pytest

from hwnas.arch.sample import random_arch
from hwnas.arch.spec import load_arch
from hwnas.cost import NodeFold, hardware_nodes
from hwnas.cost.node_cost import candidate_folds, cost, table

from conftest import EXAMPLE_ARCHS


def _specs():
    specs = [load_arch(p) for p in EXAMPLE_ARCHS]
    rng = np.random.default_rng(7)
    specs += [random_arch(rng, kind=k) for k in ("conv", "mlp") for _ in range(10)]
    return specs


@pytest.mark.parametrize("arch", _specs(), ids=lambda a: a.name)
def test_table_equals_scalar_cost_and_legal_set(arch):
    for node in hardware_nodes(arch):
        t = table(node)
        folds = [NodeFold(int(p), int(s), bool(w)) for p, s, w in zip(t.pe, t.simd, t.parallel_window)]
        assert set(folds) == set(candidate_folds(node)), node.name
        for i, fold in enumerate(folds):
            c = cost(node, fold)
            assert (c.cycles_per_frame, c.lut, c.bram18) == (t.cycles[i], t.lut[i], t.bram18[i]), (node.name, fold)
