import numpy as np

from hwnas.arch.spec import Conv, FlatInput, ImageInput, Linear, MaxPool
from hwnas.search.space import ConvSpace, MlpSpace, RandomChoices, SearchSpace


def test_conv_space_points_decode_to_valid_specs():
    space = SearchSpace(ImageInput(1, 28, 28, 8), 10, ConvSpace())
    rng = np.random.default_rng(0)
    archs = [space.decode(space.sample(RandomChoices(rng))) for _ in range(200)]
    assert len({a.to_yaml() for a in archs}) > 100
    for arch in archs:
        assert arch.shapes()[-1].out_shape == (10,)  # decoding validated the shapes
        convs = [l for l in arch.layers if isinstance(l, Conv)]
        assert 1 <= len(convs) <= 6 and all(c.out in ConvSpace().widths for c in convs)
    assert any(isinstance(l, MaxPool) for a in archs for l in a.layers)
    largest, smallest = space.largest(), space.smallest()
    assert sum(isinstance(l, Conv) for l in largest.layers) == 6
    assert [l for l in smallest.layers if isinstance(l, Conv)] == [Conv(16, 1)]


def test_small_maps_get_kernels_that_fit():
    space = SearchSpace(ImageInput(1, 6, 6, 8), 3, ConvSpace(kernels=(3,), blocks=(2,)))
    rng = np.random.default_rng(1)
    archs = [space.decode(space.sample(RandomChoices(rng))) for _ in range(50)]
    for arch in archs:  # 6 -> 4 -> 2 (pool: too small) -> no room for a third 3x3 conv
        assert [l for l in arch.layers if not isinstance(l, Linear)] == [Conv(l.out, 3) for l in arch.layers[:2]]
    assert any(len(a.layers) > 3 for a in archs)


def test_mlp_space_chooses_input_precision():
    space = SearchSpace(FlatInput(784, 8), 10, MlpSpace())
    rng = np.random.default_rng(2)
    archs = [space.decode(space.sample(RandomChoices(rng))) for _ in range(100)]
    assert {a.input.bits for a in archs} == {1, 8}
    assert all(isinstance(l, Linear) for a in archs for l in a.layers)
    assert space.largest().input.bits == 8 and space.smallest().input.bits == 1


def test_judging_fingerprint_is_stable_and_follows_the_board():
    import dataclasses

    from hwnas.board import load_board
    from hwnas.search.study import judging_fingerprint

    space = SearchSpace(FlatInput(784, 8), 10, MlpSpace())
    board = load_board("pynq-z2")
    first = judging_fingerprint(space, board, 1_000)
    assert judging_fingerprint(space, load_board("pynq-z2"), 1_000) == first
    assert judging_fingerprint(space, board.with_clock(150), 1_000) != first
    fewer_luts = dataclasses.replace(board, resources=dataclasses.replace(board.resources, lut=board.resources.lut // 2))
    assert judging_fingerprint(space, fewer_luts, 1_000) != first
