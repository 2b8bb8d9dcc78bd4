import json

import numpy as np
import pytest

from hwnas.arch import arch_from_dict, load_arch
from hwnas.data import load_dataset
from hwnas.errors import UserError
from hwnas.train import TrainConfig, train

MLP = {
    "name": "mlp",
    "input": {"features": 64, "bits": 1},
    "classes": 4,
    "layers": [{"linear": {"out": 32}}, {"linear": {"out": 32}}, {"linear": {"out": 4}}],
}
CNN = {
    "name": "cnn",
    "input": {"channels": 1, "height": 8, "width": 8, "bits": 8},
    "classes": 4,
    "layers": [
        {"conv": {"out": 16, "kernel": 3, "padding": 1}}, {"maxpool": {"kernel": 2}}, {"linear": {"out": 32}}, {"linear": {"out": 4}}
    ],
}


def config(**changes) -> TrainConfig:
    return TrainConfig(**{"dataset": "synthetic", "epochs": 2, "batch_size": 64, "lr": 0.02, "threads": 1, "train_subset": 512, "test_subset": 256, **changes})


def weights(path):
    from hwnas.model import load_checkpoint

    model, _ = load_checkpoint(path)
    return {k: v.numpy().copy() for k, v in model.state_dict().items()}


@pytest.mark.parametrize(("spec", "least_accuracy"), [(MLP, 0.8), (CNN, 0.6)], ids=["bipolar-mlp", "uint8-cnn"])
def test_training_learns_synthetic_data(tmp_path, spec, least_accuracy):
    arch = arch_from_dict(spec)
    result = train(arch, load_dataset("synthetic", arch), config(epochs=3), tmp_path)
    losses = [r.train_loss for r in result.epochs]
    assert losses[-1] < losses[0]
    assert result.test_accuracy > least_accuracy  # 4 classes: chance is 0.25
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert metrics["complete"] and metrics["test_accuracy"] == result.test_accuracy
    assert [e["epoch"] for e in metrics["epochs"]] == [1, 2, 3]
    assert (metrics["train_size"], metrics["test_size"], metrics["seed"], metrics["dataset"]) == (512, 256, 0, "synthetic")
    assert load_arch(tmp_path / "arch.yaml") == arch


def test_model_file_is_the_shared_checkpoint_and_reproduces_test_accuracy(tmp_path):
    import torch

    from hwnas.model import load_checkpoint, prepare_input

    arch = arch_from_dict(MLP)
    data = load_dataset("synthetic", arch)
    result = train(arch, data, config(test_subset=None), tmp_path)
    model, loaded_arch = load_checkpoint(tmp_path / "model.pt")
    assert loaded_arch == arch
    with torch.no_grad():
        predicted = model(torch.from_numpy(prepare_input(data.test.images, arch))).argmax(dim=1).numpy()
    assert (predicted == data.test.labels).mean() == pytest.approx(result.test_accuracy)


def test_same_seed_same_weights_other_seed_other_weights(tmp_path):
    arch = arch_from_dict(MLP)
    data = load_dataset("synthetic", arch)
    for name, seed in (("a", 5), ("b", 5), ("c", 6)):
        train(arch, data, config(seed=seed), tmp_path / name)
    a, b, c = (weights(tmp_path / name / "model.pt") for name in "abc")
    assert all(np.array_equal(a[k], b[k]) for k in a)
    assert not all(np.array_equal(a[k], c[k]) for k in a)


class Killed(Exception):
    pass


def test_killed_run_resumes_to_the_same_weights(tmp_path):
    arch = arch_from_dict(CNN)
    data = load_dataset("synthetic", arch)
    train(arch, data, config(epochs=3), tmp_path / "whole")

    def kill_after_first(record):
        if record.epoch == 1:
            raise Killed

    with pytest.raises(Killed):
        train(arch, data, config(epochs=3), tmp_path / "split", on_epoch_end=kill_after_first)
    assert not (tmp_path / "split" / "model.pt").exists()
    assert [p.name for p in (tmp_path / "split" / "checkpoints").iterdir()] == ["epoch-001.pt"]
    partial = json.loads((tmp_path / "split" / "metrics.json").read_text())
    assert not partial["complete"] and len(partial["epochs"]) == 1

    lines = []
    resumed = train(arch, data, config(epochs=3), tmp_path / "split", log=lines.append)
    assert resumed.resumed_after == 1 and [r.epoch for r in resumed.epochs] == [1, 2, 3]
    assert lines[0].startswith(f"resuming {tmp_path / 'split'} after epoch 1/3")
    whole, split = weights(tmp_path / "whole" / "model.pt"), weights(tmp_path / "split" / "model.pt")
    assert all(np.array_equal(whole[k], split[k]) for k in whole)
    assert [p.name for p in (tmp_path / "split" / "checkpoints").iterdir()] == ["epoch-003.pt"]


def test_resume_refuses_other_settings_but_accepts_another_thread_count(tmp_path):
    arch = arch_from_dict(MLP)
    data = load_dataset("synthetic", arch)
    train(arch, data, config(epochs=1), tmp_path)
    with pytest.raises(UserError, match="holds a run with other settings .*lr: 0.02 there, 0.05 now"):
        train(arch, data, config(epochs=1, lr=0.05), tmp_path)
    wider = arch_from_dict({**MLP, "layers": [{"linear": {"out": 48}}, {"linear": {"out": 4}}]})
    with pytest.raises(UserError, match="the architecture spec"):
        train(wider, load_dataset("synthetic", wider), config(epochs=1), tmp_path)
    lines = []
    again = train(arch, data, config(epochs=1, threads=2), tmp_path, log=lines.append)
    assert again.resumed_after == 1 and "trained already" in lines[0]


def test_cuda_without_a_gpu_is_a_user_error(tmp_path):
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has a CUDA GPU")
    arch = arch_from_dict(MLP)
    with pytest.raises(UserError, match="--device cuda asked for a CUDA GPU, but torch .* sees none"):
        train(arch, load_dataset("synthetic", arch), config(device="cuda"), tmp_path)
    with pytest.raises(UserError, match="--device must be cpu, cuda or cuda:N"):
        train(arch, load_dataset("synthetic", arch), config(device="gpu"), tmp_path)


def test_dataset_that_does_not_fit_the_spec(tmp_path):
    arch = arch_from_dict(MLP)
    other = arch_from_dict({**MLP, "input": {"features": 49, "bits": 1}})
    with pytest.raises(UserError, match="reads 64 input features but synthetic images are 1x1x49"):
        train(arch, load_dataset("synthetic", other), config(), tmp_path)


def test_a_last_batch_of_one_is_skipped_not_fatal(tmp_path):
    arch = arch_from_dict(MLP)
    result = train(arch, load_dataset("synthetic", arch), config(epochs=1, train_subset=129), tmp_path)
    assert len(result.epochs) == 1 and result.metrics["train_size"] == 129


def test_label_smoothing_reaches_the_training_loss(tmp_path):
    import math

    arch = arch_from_dict(MLP)
    data = load_dataset("synthetic", arch)
    plain = train(arch, data, config(epochs=3, label_smoothing=0.0), tmp_path / "plain")
    smoothed = train(arch, data, config(epochs=3, label_smoothing=0.5), tmp_path / "smoothed")
    # half of each target spread over 4 classes: no prediction gets the loss below that target's entropy
    target = [0.5 + 0.5 / 4] + [0.5 / 4] * 3
    floor = -sum(p * math.log(p) for p in target)
    assert all(r.train_loss >= floor for r in smoothed.epochs)
    assert plain.epochs[-1].train_loss < floor - 0.2
