import numpy as np
import pytest
import torch

from conftest import EXAMPLE_ARCHS
from hwnas.arch import load_arch
from hwnas.arch.sample import random_arch
from hwnas.errors import UserError
from hwnas.model import (
    build_model,
    calibrate_batchnorm,
    load_checkpoint,
    prepare_input,
    random_raw_inputs,
    save_checkpoint,
)


def logits_and_sums(model, x):
    """Logits, and the integer sums of the last layer (logits before the positive logit scale)."""
    with torch.no_grad():
        logits = model(torch.from_numpy(x))
        scale = torch.exp(model.blocks[-1][-1].log_scale)
    return logits.numpy(), (logits / scale).numpy()


@pytest.mark.parametrize("path", EXAMPLE_ARCHS, ids=lambda p: p.stem)
def test_examples_build_and_give_integer_sums(path):
    arch = load_arch(path)
    model = build_model(arch)
    rng = np.random.default_rng(0)
    x = prepare_input(random_raw_inputs(arch, 32, rng), arch)
    calibrate_batchnorm(model, x)
    logits, sums = logits_and_sums(model, x)
    assert logits.shape == (32, arch.classes)
    # binary weights with scale 1 and +-1 activations: the last layer adds integers
    np.testing.assert_allclose(sums, np.round(sums), atol=1e-3)
    # calibrated BatchNorm: hidden signs are not stuck, so inputs give different logits
    assert len({tuple(row) for row in np.round(sums).astype(int)}) > 1


def test_hidden_activations_are_bipolar_and_input_is_not_quantised():
    arch = random_arch(np.random.default_rng(3), kind="conv")
    model = build_model(arch)
    x = prepare_input(random_raw_inputs(arch, 8, np.random.default_rng(1)), arch)
    calibrate_batchnorm(model, x)
    seen = []
    hooks = [m.register_forward_hook(lambda m, i, o: seen.append(o)) for m in model.modules() if type(m).__name__ == "QuantIdentity"]
    with torch.no_grad():
        model(torch.from_numpy(x))
    for h in hooks:
        h.remove()
    assert seen and all(set(torch.unique(o).tolist()) <= {-1.0, 1.0} for o in seen)


def test_prepare_input_layouts_and_binarisation():
    arch = load_arch([p for p in EXAMPLE_ARCHS if p.stem == "cnv-w1a1"][0])  # cnv: 3x32x32, 8 bits
    raw = np.random.default_rng(0).integers(0, 256, size=(2, 32, 32, 3), dtype=np.uint8)
    nchw = prepare_input(raw, arch)
    assert nchw.shape == (2, 3, 32, 32) and nchw.dtype == np.float32
    np.testing.assert_array_equal(nchw, raw.transpose(0, 3, 1, 2))
    np.testing.assert_array_equal(prepare_input(raw.transpose(0, 3, 1, 2), arch), nchw)
    tfc = load_arch([p for p in EXAMPLE_ARCHS if p.stem == "tfc-w1a1"][0])
    pixels = np.array([[[0, 127], [128, 255]]], dtype=np.uint8).repeat(196, axis=2).reshape(1, 28, 28)
    flat = prepare_input(pixels, tfc)
    assert flat.shape == (1, 784)
    np.testing.assert_array_equal(flat[0, :4], [-1, -1, -1, -1])
    assert set(np.unique(flat)) == {-1.0, 1.0}
    with pytest.raises(UserError, match="do not fit the input"):
        prepare_input(raw[:, :16], arch)
    with pytest.raises(UserError, match="uint8"):
        prepare_input(raw.astype(np.float32), arch)


def test_checkpoint_round_trip(tmp_path):
    arch = random_arch(np.random.default_rng(5), kind="mlp")
    model = build_model(arch)
    x = prepare_input(random_raw_inputs(arch, 16, np.random.default_rng(2)), arch)
    calibrate_batchnorm(model, x)
    path = save_checkpoint(model, arch, tmp_path / "m.pt")
    loaded, loaded_arch = load_checkpoint(path)
    assert loaded_arch == arch
    np.testing.assert_array_equal(logits_and_sums(loaded, x)[0], logits_and_sums(model, x)[0])
    (tmp_path / "junk.pt").write_bytes(b"not a checkpoint")
    with pytest.raises(UserError, match="not a readable torch checkpoint"):
        load_checkpoint(tmp_path / "junk.pt")


def test_checkpoint_of_the_sequential_model_still_loads(tmp_path):
    """Checkpoints written before graph models held an nn.Sequential: the same tensors, flat indices."""
    from torch import nn

    arch = random_arch(np.random.default_rng(3), kind="conv")
    model = build_model(arch)
    x = prepare_input(random_raw_inputs(arch, 8, np.random.default_rng(1)), arch)
    calibrate_batchnorm(model, x)
    flat = nn.Sequential(*[m for block in model.blocks for m in (block if isinstance(block, nn.Sequential) else [block])])
    assert list(flat.state_dict())[0] == "0.weight"
    path = tmp_path / "old.pt"
    torch.save({"format": "hwnas-checkpoint-1", "arch": arch.to_dict(), "state_dict": flat.state_dict()}, path)
    loaded, _ = load_checkpoint(path)
    np.testing.assert_array_equal(logits_and_sums(loaded, x)[0], logits_and_sums(model, x)[0])


def residual_model():
    arch = load_arch([p for p in EXAMPLE_ARCHS if p.stem == "res-fmnist"][0])
    model = build_model(arch)
    x = prepare_input(random_raw_inputs(arch, 32, np.random.default_rng(0)), arch)
    calibrate_batchnorm(model, x)
    return arch, model, x


def test_add_sums_integers_on_its_grid_and_hands_on_signs():
    from hwnas.blocks.modules import GridAdd

    arch, model, x = residual_model()
    adds = [m for m in model.modules() if isinstance(m, GridAdd)]
    sums, grid, signs = [], [], []
    for add in adds:
        add.quant.register_forward_hook(lambda m, i, o: grid.append(o))
        add.norm.register_forward_hook(lambda m, i, o: sums.append(i[0]))
        add.register_forward_hook(lambda m, i, o: signs.append(o))
    with torch.no_grad():
        model(torch.from_numpy(x))
    assert len(adds) == 2 and len(grid) == 4
    for values in grid:  # signed 4-bit integers; the binary skip input stays -1/+1
        assert torch.equal(values, torch.round(values)) and values.min() >= -8 and values.max() <= 7
    assert set(torch.unique(grid[0]).tolist()) == {-1.0, 1.0}
    assert len(torch.unique(grid[1])) > 2  # the conv that feeds only the add hands on more than its sign
    for total, inputs in zip(sums, (grid[:2], grid[2:])):
        assert torch.equal(total, inputs[0] + inputs[1])
    assert all(set(torch.unique(o).tolist()) <= {-1.0, 1.0} for o in signs)


def test_padded_conv_on_a_binary_map_pads_with_minus_one():
    import torch.nn.functional as F

    arch, model, x = residual_model()
    padded = model.blocks[1]  # the second conv pads the stem's -1/+1 map
    seen = []
    padded[0].register_forward_hook(lambda m, i, o: seen.append((i[0], o)))
    with torch.no_grad():
        model(torch.from_numpy(x))
    (before, after), = seen
    assert torch.equal(after, F.pad(before, (1, 1, 1, 1), value=-1.0))
    assert set(torch.unique(after).tolist()) == {-1.0, 1.0}


def test_dilated_conv_spreads_its_taps():
    spec = {
        "name": "d", "input": {"channels": 1, "height": 9, "width": 9, "bits": 1}, "classes": 2,
        "layers": [{"conv": {"out": 1, "kernel": 3, "dilation": 3}}, {"linear": {"out": 2}}],
    }
    from hwnas.arch import arch_from_dict

    model = build_model(arch_from_dict(spec))
    conv = model.blocks[0][0]
    x = torch.from_numpy(prepare_input(random_raw_inputs(arch_from_dict(spec), 1, np.random.default_rng(0)), arch_from_dict(spec)))
    with torch.no_grad():
        out = conv(x)
        taps = x[0, 0, ::3, ::3]  # the 3x3 output's centre pixel reads every third input pixel
        expected = (taps * conv.quant_weight().value[0, 0]).sum()
    assert out.shape == (1, 1, 3, 3) and torch.isclose(out[0, 0, 0, 0], expected)
