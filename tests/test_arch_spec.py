import numpy as np
import pytest

from conftest import EXAMPLE_ARCHS
from hwnas.arch import Conv, Linear, MaxPool, arch_from_dict, load_arch
from hwnas.arch.sample import random_arch
from hwnas.errors import UserError


def test_examples_load_and_cnv_shapes_match_finn():
    names = [p.stem for p in EXAMPLE_ARCHS]
    assert names == ["cnv-w1a1", "lfc-w1a1", "sfc-w1a1", "tfc-w1a1"]
    cnv = load_arch(EXAMPLE_ARCHS[0])
    shapes = cnv.shapes()
    # CNV: 32 -> 30 -> 28 -> pool 14 -> 12 -> 10 -> pool 5 -> 3 -> 1, then 256 features into fc.
    assert [s.out_shape for s in shapes[:8]] == [
        (64, 30, 30), (64, 28, 28), (64, 14, 14), (128, 12, 12), (128, 10, 10), (128, 5, 5), (256, 3, 3), (256, 1, 1)
    ]
    assert shapes[0].in_bits == 8 and shapes[1].in_bits == 1
    assert shapes[-1].out_shape == (10,)


@pytest.mark.parametrize("path", EXAMPLE_ARCHS, ids=lambda p: p.stem)
def test_yaml_round_trip(path):
    arch = load_arch(path)
    import yaml

    assert arch_from_dict(yaml.safe_load(arch.to_yaml())) == arch


def base():
    return {
        "name": "t",
        "input": {"channels": 1, "height": 8, "width": 8, "bits": 8},
        "classes": 4,
        "layers": [{"conv": {"out": 8, "kernel": 3}}, {"maxpool": {"kernel": 2}}, {"linear": {"out": 4}}],
    }


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda s: s["layers"].insert(0, {"dense": {"out": 3}}), "layer 0: unknown layer type 'dense'"),
        (lambda s: s["layers"][0]["conv"].update(out=0), r"layer 0 \(conv\): out must be a positive integer"),
        (lambda s: s["layers"][0]["conv"].update(kernel=9), r"layer 0 \(conv\): kernel 9 does not fit the 8x8 input"),
        (lambda s: s["layers"].insert(2, {"maxpool": {"kernel": 4}}), r"layer 2 \(maxpool\): kernel 4 does not fit the 3x3"),
        (lambda s: s["layers"][0]["conv"].pop("kernel"), r"layer 0 \(conv\): missing parameter\(s\) kernel"),
        (lambda s: s.pop("classes"), r"missing field\(s\) classes"),
        (lambda s: s["layers"].insert(1, {"conv": {"out": 8, "kernel": 3, "padding": 1}}), r"layer 1 \(conv\): padding needs an 8-bit input"),
        (lambda s: s["layers"][-1]["linear"].update(out=5), "gives 5 outputs but classes is 4"),
        (lambda s: s["layers"].pop(), "last layer must be linear"),
        (lambda s: s["layers"].insert(2, {"conv": {"out": 2, "kernel": 1}}) or s["layers"].insert(2, {"linear": {"out": 8}}),
         r"layer 3 \(conv\): follows a linear layer"),
        (lambda s: s.update(weight_bits=2), "weight_bits must be 1"),
        (lambda s: s["input"].update(bits=4), "input.bits must be 1"),
        (lambda s: s["layers"][0]["conv"].update(stride="two"), "stride must be a positive integer"),
    ],
)
def test_malformed_specs_name_layer_and_problem(mutate, message):
    spec = base()
    arch_from_dict(spec)
    mutate(spec)
    with pytest.raises(UserError, match=message):
        arch_from_dict(spec)


def test_random_archs_are_valid_and_varied():
    rng = np.random.default_rng(0)
    archs = [random_arch(rng, kind=k) for k in ("conv", "mlp") for _ in range(50)]
    assert len({a.to_yaml() for a in archs}) > 60
    for arch in archs:
        assert arch.shapes()[-1].out_shape == (arch.classes,)
        assert isinstance(arch.layers[-1], Linear)
    assert any(isinstance(l, MaxPool) for a in archs for l in a.layers)
    assert any(isinstance(l, Conv) and l.kernel == 1 for a in archs for l in a.layers)
