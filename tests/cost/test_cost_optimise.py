import itertools

import numpy as np
import pytest

from hwnas.arch.sample import random_arch
from hwnas.arch.spec import load_arch
from hwnas.board import LIMITED_KINDS, load_board
from hwnas.cost import Folding, estimate, hardware_nodes, optimise_folding, plan_folding
from hwnas.cost.node_cost import candidate_folds, cost
from hwnas.errors import UserError


def _normalised(result, board):
    return sum(getattr(result, k) / board.budget(k) for k in LIMITED_KINDS if board.budget(k) > 0)


def _nodes_normalised(result, board):
    """What the optimiser minimises on a chain: the nodes' resources (its FIFOs, charged on top,
    depend on neighbouring nodes' folds together and only absorb bursts)."""
    return sum(sum(getattr(n.cost, k) for n in result.nodes) / board.budget(k) for k in LIMITED_KINDS if board.budget(k) > 0)


@pytest.mark.parametrize("fps", [200, 1000, 3000])
def test_cnv_meets_target_and_fits(repo, fps):
    board = load_board("pynq-z2")
    arch = load_arch(repo / "examples/archs/cnv-w1a1.yaml")
    result = estimate(arch, optimise_folding(arch, board, fps=fps), board)
    assert result.fps >= fps and result.fits


def test_optimum_equals_brute_force_on_a_small_mlp():
    board = load_board("pynq-z2")
    arch = random_arch(np.random.default_rng(3), kind="mlp")
    nodes = hardware_nodes(arch)
    choices = [candidate_folds(n) for n in nodes]
    assert np.prod([len(c) for c in choices]) < 200_000, "keep the brute force small"
    unfolded = estimate(arch, Folding(), board).cycles_per_frame
    for budget in (unfolded // 2, unfolded // 7, unfolded // 30):
        fps = board.clock_mhz * 1e6 / budget
        best = None
        for combo in itertools.product(*choices):
            if max(cost(n, f).cycles_per_frame for n, f in zip(nodes, combo)) > int(budget):
                continue
            result = estimate(arch, Folding({n.name: f for n, f in zip(nodes, combo)}), board)
            best = _nodes_normalised(result, board) if best is None else min(best, _nodes_normalised(result, board))
        try:
            chosen = estimate(arch, optimise_folding(arch, board, fps=fps), board)
        except UserError:
            assert best is None
            continue
        assert chosen.cycles_per_frame <= budget
        assert _nodes_normalised(chosen, board) == pytest.approx(best)
        fifos = sum(f.lut for f in chosen.fifos) / board.budget("lut") + sum(f.bram18 for f in chosen.fifos) / board.budget("bram18")
        assert _normalised(chosen, board) == pytest.approx(_nodes_normalised(chosen, board) + fifos)


def test_infeasible_target_names_reachable_fps_and_binding_resource(repo):
    arch = load_arch(repo / "examples/archs/cnv-w1a1.yaml")
    board = load_board("pynq-z2")
    with pytest.raises(UserError) as info:
        optimise_folding(arch, board, fps=1_000_000)
    message = str(info.value)
    reachable = float(message.split("reaches there is ")[1].split(" fps")[0].replace(",", ""))
    assert "LUT runs out first" in message
    # the reachable rate is real: asking for it succeeds, asking for a bit more does not
    plan = plan_folding(arch, board, fps=reachable * 0.999)
    assert plan.estimate.fits
    with pytest.raises(UserError):
        optimise_folding(arch, board, fps=reachable * 1.01)


def test_target_met_but_not_fitting_says_by_how_much(repo):
    arch = load_arch(repo / "examples/archs/lfc-w1a1.yaml")
    board = load_board("pynq-z2")
    with pytest.raises(UserError, match=r"does not fit: .*usable \(\d+%\)"):
        optimise_folding(arch, board, fps=200_000)


def test_larger_board_reaches_more(repo):
    arch = load_arch(repo / "examples/archs/cnv-w1a1.yaml")
    with pytest.raises(UserError):
        optimise_folding(arch, load_board("pynq-z2"), fps=6000)
    assert estimate(arch, optimise_folding(arch, load_board("zcu104"), fps=6000), load_board("zcu104")).fps >= 6000


# the quick cell search's t23 (README, "For t23"), and the README's hand folding for it
T23_HAND = {
    "MVAU_hls_0": (2, 1), "ConvolutionInputGenerator_rtl_2": (1, 2), "ConvolutionInputGenerator_rtl_3": (1, 2),
    "MVAU_hls_1": (1, 2), "MVAU_hls_2": (1, 2),
}


def test_mixed_folding_of_t23_costs_less_than_the_hand_folding(repo):
    """The uniform optimum runs t23 at 7,086 fps (4,980 LUT, 7 BRAM18), a hand folding at 1,772 fps
    (4,744 LUT, 7 BRAM18); the mixed search at least matches the hand folding on both."""
    import json

    from hwnas.arch.spec import arch_from_dict
    from hwnas.cost import optimise
    from hwnas.hw.fold import NodeFold

    board = load_board("pynq-z2")
    arch = arch_from_dict(json.loads((repo / "benchmarks/specs/cell-t23.json").read_text()), source="t23")
    hand = estimate(arch, Folding({name: NodeFold(*f) for name, f in T23_HAND.items()}), board)
    assert (hand.lut, hand.bram18) == (4744, 7) and hand.fps >= 1000
    ours = plan_folding(arch, board, fps=1000).estimate
    assert ours.fps >= 1000 and ours.fits
    assert ours.lut <= hand.lut and ours.bram18 <= hand.bram18
    optimise.MIXED = False
    try:
        uniform = plan_folding(arch, board, fps=1000).estimate
    finally:
        optimise.MIXED = True
    assert (uniform.lut, uniform.bram18) == (4980, 7)
    assert _normalised(ours, board) < _normalised(uniform, board)


@pytest.mark.parametrize("seed", range(6))
def test_mixed_search_total_is_the_estimate_and_never_above_the_uniform_optimum(seed):
    """The search's running total (hwnas.cost.mixed.Network) equals the estimate's normalised
    total on random foldings of chains and branching networks, and its plan never costs more than
    the uniform optimum."""
    from hwnas.arch.sample import random_branching_arch
    from hwnas.cost import mixed, optimise
    from hwnas.cost.nodes import hardware_graph
    from hwnas.cost.optimise import _normalised as optimiser_total

    rng = np.random.default_rng(seed)
    board = load_board("pynq-z2" if seed % 2 else "zcu104")
    arch = random_branching_arch(rng) if seed % 3 else random_arch(rng, kind="conv")
    hw_nodes, edges = hardware_graph(arch)
    net = mixed.Network(hw_nodes, edges, board)
    groups = mixed.add_groups(hw_nodes, edges)
    units = optimise._units(hw_nodes)
    for _ in range(5):
        folds = {}
        for names, unit in units:
            folds.update(zip(names, unit.folds(int(rng.integers(len(unit.cycles))))))
        listed = [folds[n.name] for n in hw_nodes]
        mixed._raise_groups(listed, groups)
        result = estimate(arch, Folding({n.name: f for n, f in zip(hw_nodes, listed)}), board)
        assert net.total(listed) == pytest.approx(optimiser_total(result, board), abs=1e-12)
    unfolded = estimate(arch, Folding(), board).cycles_per_frame
    for rate in (2, 16):
        fps = board.clock_mhz * 1e6 / (unfolded // rate)
        optimise.MIXED = False
        try:
            uniform = plan_folding(arch, board, fps=fps).estimate
        finally:
            optimise.MIXED = True
        ours = plan_folding(arch, board, fps=fps).estimate
        assert ours.cycles_per_frame <= unfolded // rate and ours.fits
        assert optimiser_total(ours, board) <= optimiser_total(uniform, board) + 1e-12


def _cnv_like(rng, index: int):
    """CNV's structure with random widths: a chain long enough for the one-move search."""
    from hwnas.arch.spec import Arch, Conv, ImageInput, Linear, MaxPool, arch_from_dict

    c1, c2, c3 = (int(rng.choice(w)) for w in ([32, 48, 64, 96], [64, 96, 128, 192], [128, 192, 256, 384]))
    dense = int(rng.choice([128, 256, 512, 1024]))
    layers = (Conv(c1, 3), Conv(c1, 3), MaxPool(2), Conv(c2, 3), Conv(c2, 3), MaxPool(2),
              Conv(c3, 3), Conv(c3, 3), Linear(dense), Linear(dense), Linear(10))
    arch = Arch(f"cnv-like-{index}", ImageInput(3, 32, 32, 8), 10, layers)
    return arch_from_dict(arch.to_dict(), source=arch.name)


@pytest.mark.parametrize("board_name", ["pynq-z2", "zcu104"])
def test_the_chain_search_s_fast_paths_choose_what_the_general_search_chooses(board_name):
    """On long chains plan_folding takes three short cuts: the one-candidate moves from per-width
    minima (mixed.ONE_MOVE_FAST_PATHS), the uniform plan estimated only when needed
    (optimise._mixed_chain) and the reachable rate bisected on the nodes first. Each gives what the
    general path gives, folding for folding and message for message."""
    from hwnas.cost import mixed, optimise
    from hwnas.cost.nodes import hardware_graph

    board = load_board(board_name)
    rng = np.random.default_rng(11)
    archs = [_cnv_like(rng, i) for i in range(40)]
    moved = unreachable = 0
    for arch in archs:
        for fps in (300, 3000):
            outcomes = []
            for fast in (True, False):
                mixed.ONE_MOVE_FAST_PATHS = fast
                try:
                    plan = plan_folding(arch, board, fps=fps)
                    outcomes.append((plan.folding, plan.estimate.lut, plan.estimate.bram18))
                except UserError as error:
                    outcomes.append(str(error))
                finally:
                    mixed.ONE_MOVE_FAST_PATHS = True
            assert outcomes[0] == outcomes[1], arch.name
            if isinstance(outcomes[0], str):
                unreachable += 1
                continue
            # the general mixed step from the full list of uniform plans
            hw_nodes, edges = hardware_graph(arch)
            units = optimise._units(hw_nodes)
            best = optimise._best_upto(units, board)
            budget = int(board.clock_mhz * 1e6 // fps)
            plans = optimise._uniform_plans(arch.name, hw_nodes, edges, units, best, budget, board)
            folding, _ = optimise._mixed(arch.name, hw_nodes, edges, units, plans, budget, board)
            assert folding == outcomes[0][0], arch.name
            moved += folding != plans[0][0]
    assert moved >= 20  # the search did move on most of them
    assert unreachable >= 1 if board_name == "pynq-z2" else True


@pytest.mark.parametrize("seed", range(4))
def test_reachable_rate_is_the_bisection_on_whole_estimates(seed):
    """optimise._reachable bisects on the nodes alone first; its answer is the plain bisection's
    over every achievable cycle count with the whole estimate (FIFOs counted) at each step."""
    from hwnas.arch.sample import random_branching_arch
    from hwnas.cost import optimise
    from hwnas.cost.network import estimate_nodes
    from hwnas.cost.nodes import hardware_graph

    rng = np.random.default_rng(seed)
    board = load_board("pynq-z2")
    archs = [_cnv_like(rng, i) for i in range(3)] + [random_branching_arch(rng) for _ in range(3)]
    for arch in archs:
        hw_nodes, edges = hardware_graph(arch)
        units = optimise._units(hw_nodes)
        best = optimise._best_upto(units, board)
        budgets = np.unique(np.concatenate([u.cycles for _, u in units]))
        budgets = budgets[budgets >= optimise._fastest(units)]

        def whole(budget):
            folding = optimise._cheapest(units, best, int(budget), (hw_nodes, edges))
            return estimate_nodes(arch.name, hw_nodes, folding, board, edges=edges)

        if not whole(budgets[-1]).fits:
            expected = whole(budgets[-1]).fps
        else:
            low, high = 0, len(budgets) - 1
            while low < high:
                mid = (low + high) // 2
                low, high = (low, mid) if whole(budgets[mid]).fits else (mid + 1, high)
            expected = whole(budgets[low]).fps
        assert optimise._reachable(arch.name, hw_nodes, edges, units, best, board)[0] == expected, arch.name
