"""Train the Brevitas model of a spec on a dataset: resumable, seeded, one checkpoint per epoch.

The model reads what the hardware reads (:func:`hwnas.model.prepare_input` of the raw uint8
images); its binary weights and sign activations pass gradients straight through (Brevitas'
clamped binary quantisers), and the latent weights are trained with :mod:`hwnas.train.optim`.

Everything random is drawn from ``config.seed``: the subsets, the initial weights, and each epoch's
shuffle (seeded by seed and epoch number), so a run that is killed and resumed computes the same
weights as one that was not. Bit-for-bit equality also needs the same device and CPU thread count:
float sums are ordered differently across threads (a resume may change both; it then differs in
the last bits, not in kind).
"""

from __future__ import annotations

import platform
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from hwnas.arch.spec import Arch, save_arch
from hwnas.data.dataset import Dataset, Split, check_fits
from hwnas.errors import UserError
from hwnas.logs import bars_wanted, logging_to_file
from hwnas.train.config import TrainConfig
from hwnas.train.device import resolve_device
from hwnas.train.metrics import EpochRecord, history_records, record_dicts, write_metrics
from hwnas.train.optim import clip_binary_weights, make_optimizer
from hwnas.train.state import load_state, save_state

MODEL_FILE = "model.pt"
ARCH_FILE = "arch.yaml"
LOG_FILE = "train.log"  # the plain progress lines, timestamped, whatever the terminal shows
EVAL_BATCH = 1000


@dataclass(frozen=True)
class TrainResult:
    out_dir: Path
    model_path: Path
    test_accuracy: float
    epochs: tuple[EpochRecord, ...]
    resumed_after: int  # epochs that were already done when this call started
    metrics: dict


def _subset(split: Split, size: int | None, seed: int, stream: int) -> Split:
    return split if size is None else split.subset(size, np.random.default_rng([seed, stream]))


def _batches(count: int, batch_size: int, rng: np.random.Generator) -> list[np.ndarray]:
    order = rng.permutation(count)
    # BatchNorm cannot train on a single example: a last batch of one is left out of this epoch.
    return [order[start : start + batch_size] for start in range(0, _batch_count(count, batch_size) * batch_size, batch_size)]


def _batch_count(count: int, batch_size: int) -> int:
    return count // batch_size + (1 if count % batch_size > 1 else 0)


def _to_device(split: Split, index: np.ndarray, arch: Arch, device):
    import torch

    from hwnas.model import prepare_input

    inputs = torch.from_numpy(prepare_input(split.images[index], arch)).to(device, non_blocking=True)
    labels = torch.from_numpy(split.labels[index]).to(device, non_blocking=True)
    return inputs, labels


def _train_epoch(model, split: Split, arch: Arch, config: TrainConfig, epoch: int, optimizer, schedule, device, progress: bool) -> EpochRecord:
    import torch
    from tqdm import tqdm

    start = time.perf_counter()
    lr = schedule.get_last_lr()[0]
    batches = _batches(len(split), config.batch_size, np.random.default_rng([config.seed, 2, epoch]))
    model.train()
    loss_sum = torch.zeros((), device=device)
    correct = torch.zeros((), device=device, dtype=torch.long)
    seen = 0
    bar = tqdm(batches, desc=f"epoch {epoch}/{config.epochs}", unit="batch", leave=False, disable=not bars_wanted(progress))
    for step, index in enumerate(bar, 1):
        inputs, labels = _to_device(split, index, arch, device)
        logits = model(inputs)
        loss = torch.nn.functional.cross_entropy(logits, labels, label_smoothing=config.label_smoothing)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        schedule.step()
        clip_binary_weights(model)
        loss_sum += loss.detach() * len(index)
        correct += (logits.argmax(dim=1) == labels).sum()
        seen += len(index)
        if step % 20 == 0 or step == len(batches):
            bar.set_postfix(loss=f"{loss_sum.item() / seen:.3f}", acc=f"{correct.item() / seen:.3f}")
    bar.close()
    return EpochRecord(epoch, loss_sum.item() / seen, correct.item() / seen, lr, time.perf_counter() - start)


def evaluate(model, split: Split, arch: Arch, device) -> tuple[float, float]:
    """Mean cross-entropy and accuracy of ``model`` (in eval mode) on ``split``."""
    import torch

    model.eval()
    loss_sum, correct = 0.0, 0
    with torch.no_grad():
        for start in range(0, len(split), EVAL_BATCH):
            index = np.arange(start, min(start + EVAL_BATCH, len(split)))
            inputs, labels = _to_device(split, index, arch, device)
            logits = model(inputs)
            loss_sum += torch.nn.functional.cross_entropy(logits, labels, reduction="sum").item()
            correct += (logits.argmax(dim=1) == labels).sum().item()
    return loss_sum / len(split), correct / len(split)


def train(
    arch: Arch,
    dataset: Dataset,
    config: TrainConfig,
    out_dir: Path,
    *,
    progress: bool = True,
    log: Callable[[str], None] = lambda line: None,
    on_epoch_end: Callable[[EpochRecord], None] = lambda record: None,
    init_checkpoint: Path | None = None,
) -> TrainResult:
    """Train ``arch`` on ``dataset`` into ``out_dir``, going on from its last finished epoch if any.

    ``out_dir`` receives ``model.pt`` (shared checkpoint format), ``metrics.json`` and ``arch.yaml``;
    ``checkpoints/`` and ``train-state.pt`` hold what a resumed run needs. ``init_checkpoint``
    starts a new run from those weights instead of a fresh initialisation (fine-tuning).
    """
    import torch

    from hwnas.model import build_model, load_checkpoint, save_checkpoint

    check_fits(arch, dataset=dataset.name, image_shape=dataset.image_shape, classes=dataset.classes)
    if dataset.name != config.dataset:
        raise ValueError(f"config is for {config.dataset!r} but the dataset is {dataset.name!r}")
    device = resolve_device(config.device)
    if config.threads is not None:
        torch.set_num_threads(config.threads)
    if device.type == "cuda":
        torch.backends.cudnn.deterministic = True
        torch.backends.cudnn.benchmark = False
    out_dir.mkdir(parents=True, exist_ok=True)
    log = logging_to_file(log, out_dir / LOG_FILE)

    saved = load_state(out_dir)
    if saved is not None:
        differences = config.differences(saved.config)
        if saved.arch != arch.to_dict():
            differences.insert(0, "the architecture spec")
        if differences:
            raise UserError(
                f"{out_dir} holds a run with other settings ({'; '.join(differences)}); "
                "pass the same settings to resume it, or another --out to start a new run"
            )
    save_arch(arch, out_dir / ARCH_FILE)

    train_split = _subset(dataset.train, config.train_subset, config.seed, 0)
    test_split = _subset(dataset.test, config.test_subset, config.seed, 1)
    if len(train_split) < 2:
        raise UserError(f"training needs at least 2 examples, the training split has {len(train_split)}")

    if saved is None and init_checkpoint is not None:  # fine-tuning, e.g. weights a supernet handed down
        model, init_arch = load_checkpoint(init_checkpoint)
        if init_arch.to_dict() != arch.to_dict():
            raise UserError(f"{init_checkpoint} holds weights of {init_arch.name}, not of {arch.name}")
        history: list[EpochRecord] = []
    elif saved is None:
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(config.seed)
            model = build_model(arch)
        history = []
    else:
        model, _ = load_checkpoint(saved.checkpoint)
        history = history_records(saved.history)
        if saved.epoch < config.epochs:
            log(f"resuming {out_dir} after epoch {saved.epoch}/{config.epochs}")
        else:
            log(f"{out_dir} is trained already ({saved.epoch} epochs); evaluating it again")
    model.to(device)
    total_steps = _batch_count(len(train_split), config.batch_size) * config.epochs
    optimizer, schedule = make_optimizer(
        model, lr=config.lr, weight_decay=config.weight_decay, total_steps=total_steps,
        warmup_steps=int(config.warmup_share * total_steps),
    )
    if saved is not None:
        optimizer.load_state_dict(saved.optimizer)
        schedule.load_state_dict(saved.schedule)

    def metrics(test: dict | None) -> dict:
        return {
            "arch": arch.name,
            "dataset": dataset.name,
            "dataset_origin": dataset.origin,
            "seed": config.seed,
            "device": str(device),
            "config": config.to_dict(),
            "train_size": len(train_split),
            "test_size": len(test_split),
            "epochs": record_dicts(history),
            "train_seconds": sum(r.seconds for r in history),
            "complete": test is not None,
            **(test or {}),
            "torch": torch.__version__,
            "machine": platform.machine(),
        }

    for epoch in range(len(history) + 1, config.epochs + 1):
        record = _train_epoch(model, train_split, arch, config, epoch, optimizer, schedule, device, progress)
        history.append(record)
        save_state(
            out_dir, model=model, arch=arch, epoch=epoch, optimizer=optimizer, schedule=schedule,
            history=record_dicts(history), config=config.to_dict(),
        )
        write_metrics(out_dir, metrics(None))
        log(record.summary(config.epochs))
        on_epoch_end(record)

    start = time.perf_counter()
    test_loss, test_accuracy = evaluate(model, test_split, arch, device)
    test = {"test_loss": test_loss, "test_accuracy": test_accuracy, "test_seconds": time.perf_counter() - start}
    model_path = save_checkpoint(model, arch, out_dir / MODEL_FILE)
    final = metrics(test)
    write_metrics(out_dir, final)
    log(f"test accuracy {100 * test_accuracy:.2f}% on {len(test_split)} {dataset.name} test images")
    return TrainResult(out_dir, model_path, test_accuracy, tuple(history), saved.epoch if saved else 0, final)
