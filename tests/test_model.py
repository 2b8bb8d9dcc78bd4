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
        scale = torch.exp(model[-1].log_scale)
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
    hooks = [m.register_forward_hook(lambda m, i, o: seen.append(o)) for m in model if type(m).__name__ == "QuantIdentity"]
    with torch.no_grad():
        model(torch.from_numpy(x))
    for h in hooks:
        h.remove()
    assert seen and all(set(torch.unique(o).tolist()) <= {-1.0, 1.0} for o in seen)


def test_prepare_input_layouts_and_binarisation():
    arch = load_arch(EXAMPLE_ARCHS[0])  # cnv: 3x32x32, 8 bits
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
