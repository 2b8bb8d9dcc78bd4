import subprocess
import sys

import numpy as np
import pytest
import yaml

from conftest import EXAMPLE_ARCHS
from hwnas.arch import Add, Conv, Linear, MaxPool, arch_from_dict, load_arch
from hwnas.arch.sample import random_arch
from hwnas.errors import UserError


def test_examples_load_and_cnv_shapes_match_finn():
    names = {p.stem for p in EXAMPLE_ARCHS}
    assert names >= {"cnv-w1a1", "lfc-w1a1", "sfc-w1a1", "tfc-w1a1", "res-cnv", "res-fmnist"}
    cnv = load_arch([p for p in EXAMPLE_ARCHS if p.stem == "cnv-w1a1"][0])
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
    assert arch_from_dict(yaml.safe_load(arch.to_yaml())) == arch


def residual():
    return {
        "name": "res",
        "input": {"channels": 1, "height": 12, "width": 12, "bits": 8},
        "classes": 4,
        "layers": [
            {"conv": {"out": 8, "kernel": 3, "padding": 1}, "name": "stem"},
            {"conv": {"out": 8, "kernel": 3, "padding": 1}},
            {"conv": {"out": 8, "kernel": 3, "padding": 1}, "name": "body"},
            {"add": {"bits": 4}, "inputs": ["stem", "body"], "name": "sum"},
            {"conv": {"out": 8, "kernel": 3, "padding": 2, "dilation": 2}, "name": "wide"},
            {"maxpool": {"kernel": 2}},
            {"linear": {"out": 4}},
        ],
    }


def base():
    return {
        "name": "t",
        "input": {"channels": 1, "height": 8, "width": 8, "bits": 8},
        "classes": 4,
        "layers": [{"conv": {"out": 8, "kernel": 3}}, {"maxpool": {"kernel": 2}}, {"linear": {"out": 4}}],
    }


@pytest.mark.parametrize(
    "make, mutate, message",
    [
        (base, lambda s: s["layers"].insert(0, {"dense": {"out": 3}}), "layer 0: unknown layer type 'dense'"),
        (base, lambda s: s["layers"][0]["conv"].update(out=0), r"layer 0 \(conv\): out must be a positive integer"),
        (base, lambda s: s["layers"][0]["conv"].update(kernel=9), r"layer 0 \(conv\): kernel 9 does not fit the 8x8 input"),
        (base, lambda s: s["layers"].insert(2, {"maxpool": {"kernel": 4}}), r"layer 2 \(maxpool\): kernel 4 does not fit the 3x3"),
        (base, lambda s: s["layers"][0]["conv"].pop("kernel"), r"layer 0 \(conv\): missing parameter\(s\) kernel"),
        (base, lambda s: s.pop("classes"), r"missing field\(s\) classes"),
        (base, lambda s: s["layers"][-1]["linear"].update(out=5), "gives 5 outputs but classes is 4"),
        (base, lambda s: s["layers"].pop(), "last layer must be linear"),
        (base, lambda s: s["layers"].insert(2, {"conv": {"out": 2, "kernel": 1}}) or s["layers"].insert(2, {"linear": {"out": 8}}),
         r"layer 3 \(conv\): follows a linear layer"),
        (base, lambda s: s.update(weight_bits=2), "weight_bits must be 1"),
        (base, lambda s: s["input"].update(bits=4), "input.bits must be 1"),
        (base, lambda s: s["layers"][0]["conv"].update(stride="two"), "stride must be a positive integer"),
        (residual, lambda s: s["layers"][3].update(inputs=["stem", "bogus"]), r"layer 3 \(add 'sum'\): input 'bogus' names no layer"),
        (residual, lambda s: s["layers"][1].update(inputs=["wide"]), r"layer 1 \(conv\): input 'wide' makes a cycle"),
        (residual, lambda s: s["layers"][1].update(inputs=["stem"]) or s["layers"][2].update(inputs=["stem"]),
         r"layer 1 \(conv\): no layer reads its output"),
        (residual, lambda s: s["layers"][2]["conv"].update(out=16), r"layer 3 \(add 'sum'\): inputs of different shapes 8x12x12 and 16x12x12"),
        (residual, lambda s: s["layers"][4]["conv"].update(dilation=8), r"layer 4 \(conv 'wide'\): kernel 3 dilated 8 \(spanning 17\) does not fit"),
        (residual, lambda s: s["layers"][3]["add"].update(bits=1), r"layer 3 \(add 'sum'\): bits must be between 2 and 8, got 1"),
        (residual, lambda s: s["layers"][3]["add"].update(bits=9), r"bits must be between 2 and 8, got 9"),
        (residual, lambda s: s["layers"][3].update(inputs=["body"]), r"an add needs at least two inputs"),
        (residual, lambda s: s["layers"][2].update(name="stem"), r"layer 2 \(conv 'stem'\): the name is already taken by layer 0"),
        (residual, lambda s: s["input"].update(channels=8) or s["layers"][3].update(inputs=["input", "body"]), r"an input carries 8-bit values"),
        (residual, lambda s: s["layers"][5].update(inputs=["wide", "sum"]), r"layer 5 \(maxpool\): reads exactly one input, got 2"),
    ],
)
def test_malformed_specs_name_layer_and_problem(make, mutate, message):
    spec = make()
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


def test_residual_shapes_sources_and_bits():
    arch = arch_from_dict(residual())
    shapes = arch.shapes()
    assert [s.sources for s in shapes] == [(-1,), (0,), (1,), (0, 2), (3,), (4,), (5,)]
    assert [s.out_shape for s in shapes[:5]] == [(8, 12, 12)] * 5
    # the stem feeds the add and a conv: it hands on its sign; the body feeds only the add: its grid
    assert [s.out_bits for s in shapes] == [1, 1, 4, 1, 1, 1, 1]
    assert [p.bits for p in shapes[3].ins] == [1, 4]
    # padding a binary map is legal (the model pads with -1, as the hardware does)
    assert shapes[1].in_bits == 1 and arch.layers[1].padding == 1
    assert arch.layers[4] == Conv(8, 3, padding=2, dilation=2, name="wide")
    assert arch.layers[3] == Add(4, name="sum", inputs=("stem", "body"))
    assert not arch.is_chain


def test_graph_round_trips_through_yaml():
    arch = arch_from_dict(residual())
    text = arch.to_yaml()
    assert "inputs: [stem, body]" in text and "dilation: 2" in text
    assert arch_from_dict(yaml.safe_load(text)) == arch


def test_chain_dict_is_unchanged_and_a_chain():
    spec = {
        "name": "c", "input": {"features": 16, "bits": 1}, "classes": 2,
        "layers": [{"linear": {"out": 8}}, {"linear": {"out": 2}}],
    }
    arch = arch_from_dict(spec)
    assert arch.is_chain
    assert arch.to_dict()["layers"] == spec["layers"]


def test_network_input_can_be_read_by_name():
    spec = residual()
    spec["input"].update(channels=8, bits=1)
    spec["layers"][1]["inputs"] = ["input"]
    spec["layers"][3]["inputs"] = ["input", "body", "stem"]
    shapes = arch_from_dict(spec).shapes()
    assert shapes[1].sources == (-1,) and shapes[3].sources == (-1, 2, 0)
    # the stem now feeds only the add: it hands on its grid values too
    assert [p.bits for p in shapes[3].ins] == [1, 4, 4]


def test_cli_reports_a_bad_graph_spec_in_one_line(tmp_path, repo):
    spec = residual()
    spec["layers"][1]["inputs"] = ["wide"]
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(spec))
    run = subprocess.run(
        [sys.executable, "-m", "hwnas.cli", "estimate", str(path), "--board", "pynq-z2", "--fps", "100"],
        capture_output=True, text=True, cwd=repo,
    )
    assert run.returncode == 2
    assert run.stderr.count("\n") == 1 and "Traceback" not in run.stderr
    assert "makes a cycle" in run.stderr
