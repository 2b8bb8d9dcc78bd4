import math

import pytest

from hwnas.arch import arch_from_dict
from hwnas.errors import UserError
from hwnas.train import TrainConfig
from hwnas.train.optim import binary_weights, clip_binary_weights, cosine_factor, make_optimizer

SMALL = {"input": {"features": 16, "bits": 8}, "classes": 3, "layers": [{"linear": {"out": 8}}, {"linear": {"out": 3}}]}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"epochs": 0}, "--epochs must be at least 1"),
        ({"batch_size": 0}, "--batch-size must be at least 1"),
        ({"train_subset": 0}, "--train-subset must be at least 1"),
        ({"lr": 0.0}, "--lr must be positive"),
        ({"weight_decay": -1e-4}, "--weight-decay must not be negative"),
    ],
)
def test_config_rejects_nonsense(changes, message):
    with pytest.raises(UserError, match=message):
        TrainConfig(**{"dataset": "synthetic", "epochs": 1, **changes})


def test_config_differences_ignore_device_and_threads():
    config = TrainConfig("synthetic", 3, seed=1)
    saved = TrainConfig("synthetic", 3, seed=1, device="cuda", threads=4).to_dict()
    assert config.differences(saved) == []
    saved["seed"] = 2
    saved["epochs"] = 4
    assert config.differences(saved) == ["epochs: 4 there, 3 now", "seed: 2 there, 1 now"]


def test_cosine_schedule_shape():
    assert cosine_factor(0, 100) == 1.0
    assert cosine_factor(50, 100) == pytest.approx(0.5)
    assert cosine_factor(100, 100) == pytest.approx(0.0)
    values = [cosine_factor(s, 10) for s in range(11)]
    assert all(a > b for a, b in zip(values, values[1:]))


def test_no_weight_decay_on_binary_latent_weights_and_clipping():
    import torch

    from hwnas.model import build_model

    model = build_model(arch_from_dict(SMALL))
    optimizer, schedule = make_optimizer(model, lr=0.1, weight_decay=0.01, total_steps=4)
    latent, others = optimizer.param_groups
    assert latent["weight_decay"] == 0.0 and others["weight_decay"] == 0.01
    assert {id(p) for p in latent["params"]} == {id(w) for w in binary_weights(model)}
    assert len(latent["params"]) == 2  # the two linear layers
    assert len(others["params"]) == sum(1 for _ in model.parameters()) - 2
    lrs = []
    for _ in range(4):
        lrs.append(schedule.get_last_lr()[0])
        optimizer.step()
        schedule.step()
    assert lrs == pytest.approx([0.1 * cosine_factor(s, 4) for s in range(4)])
    with torch.no_grad():
        binary_weights(model)[0].mul_(10)
    assert binary_weights(model)[0].abs().max() > 1
    clip_binary_weights(model)
    assert all(float(w.detach().abs().max()) <= 1.0 for w in binary_weights(model))
    assert math.isclose(float(binary_weights(model)[0].detach().abs().max()), 1.0)


def test_warm_up_rises_linearly_then_the_cosine_decays_to_zero():
    from hwnas.train.optim import warmup_cosine_factor

    values = [warmup_cosine_factor(s, 100, 10) for s in range(101)]
    assert values[:10] == pytest.approx([(s + 1) / 10 for s in range(10)])
    assert values[10] == 1.0 and values[100] == pytest.approx(0.0)
    assert values[55] == pytest.approx(0.5)  # half-way through the 90 decaying steps
    assert all(a >= b for a, b in zip(values[10:], values[11:]))
    assert [warmup_cosine_factor(s, 10, 0) for s in range(11)] == [cosine_factor(s, 10) for s in range(11)]


def test_runs_saved_before_the_recipe_options_resume_under_the_old_recipe_only():
    saved = TrainConfig("synthetic", 3).to_dict()
    for name in ("label_smoothing", "warmup_share"):
        del saved[name]  # what an older hwnas recorded
    assert TrainConfig("synthetic", 3, label_smoothing=0.0, warmup_share=0.0).differences(saved) == []
    assert TrainConfig("synthetic", 3, label_smoothing=0.1, warmup_share=0.0).differences(saved) == [
        "label_smoothing: 0.0 there, 0.1 now"
    ]


def test_recipe_digest_separates_recipes_not_devices():
    base = TrainConfig("synthetic", 3)
    assert base.digest() == TrainConfig("synthetic", 3, threads=2, device="cuda").digest()
    assert base.digest() != TrainConfig("synthetic", 3, label_smoothing=0.05).digest()


@pytest.mark.parametrize("name", ["label_smoothing", "warmup_share"])
def test_shares_outside_zero_to_one_are_refused(name):
    with pytest.raises(UserError, match=f"--{name.replace('_', '-')} must be in"):
        TrainConfig("synthetic", 1, **{name: 1.0})
