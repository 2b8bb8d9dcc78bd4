"""A weight-sharing binary supernet in the NAS-BNN style.

One set of latent weights holds every width, depth and kernel choice of a :class:`SearchSpace`:
a subnet uses the leading output/input channels of each layer's largest weight, a 1x1 kernel is
the centre of the 3x3 one (as in Once-for-All), and a fully connected layer reading a feature map
uses the leading channels and the top-left rows/columns of a weight sized for the largest map.
A cell space's slots and graph forward live in :mod:`hwnas.search.cell_supernet`.
Training follows the sandwich rule (largest, smallest and random subnets each step). A subnet's
accuracy is estimated from the inherited weights after recalibrating BatchNorm statistics on a
few batches, since shared running statistics belong to no single subnet.

Binarisation matches the Brevitas model hwnas trains: sign of weights and activations with
sign(0) = +1 and a straight-through estimator clipped to [-1, 1].
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from hwnas.arch.spec import Conv, Linear, MaxPool
from hwnas.search.cells import CellSpace
from hwnas.search.recipe import SupernetRecipe
from hwnas.search.space import ConvSpace, ExtremeChoices, RandomChoices, SearchSpace


def ste_sign(x: torch.Tensor) -> torch.Tensor:
    """Forward: sign with sign(0) = +1. Backward: the gradient of hardtanh (zero outside [-1, 1])."""
    clipped = torch.clamp(x, -1.0, 1.0)
    binary = torch.where(x >= 0, torch.ones_like(x), -torch.ones_like(x))
    return clipped + (binary - clipped).detach()


@dataclass(frozen=True)
class _Slot:
    """One shared parameter slot: a conv or linear layer with its BatchNorm (a one-dimensional
    ``weight_shape``: a BatchNorm alone, as an add's)."""

    key: str
    weight_shape: tuple[int, ...]
    has_bn: bool


class SuperNet(nn.Module):
    def __init__(self, space: SearchSpace, *, seed: int = 0):
        super().__init__()
        generator = torch.Generator().manual_seed(seed)
        self.space = space
        self.weights = nn.ParameterDict()
        self.bn_weight = nn.ParameterDict()
        self.bn_bias = nn.ParameterDict()
        # A learnable softmax temperature per classifier, as hwnas.model's LogitScale.
        self.log_scale = nn.ParameterDict()
        for slot in self._slots():
            if len(slot.weight_shape) > 1:
                weight = torch.empty(slot.weight_shape)
                nn.init.uniform_(weight, -0.1, 0.1, generator=generator)
                self.weights[slot.key] = nn.Parameter(weight)
            if not slot.has_bn:
                self.log_scale[slot.key] = nn.Parameter(torch.tensor(-0.5 * math.log(math.prod(slot.weight_shape[1:]))))
            if slot.has_bn:
                self.bn_weight[slot.key] = nn.Parameter(torch.ones(slot.weight_shape[0]))
                self.bn_bias[slot.key] = nn.Parameter(torch.zeros(slot.weight_shape[0]))
        if isinstance(space.space, CellSpace):
            from hwnas.search.cell_supernet import CellForward

            self.cells = CellForward(self)

    def _slots(self) -> list[_Slot]:
        space, inp = self.space.space, self.space.input
        classes = self.space.classes
        if isinstance(space, CellSpace):
            from hwnas.search.cell_supernet import cell_slots

            return cell_slots(self.space, _Slot)
        if not isinstance(space, ConvSpace):
            features = math.prod(inp.shape)
            width = max(space.widths)
            slots = [_Slot(f"fc{i}", (width, features if i == 0 else width), True) for i in range(max(space.depths))]
            # 8-bit pixels and bipolar pixels live on different scales: separate first layers.
            slots.append(_Slot("fc0_int", (width, features), True))
            return slots + [_Slot("classifier", (classes, width), False)]
        widest, kmax = max(space.widths), max(space.kernels)
        slots = []
        in_channels = inp.channels
        for s in range(space.max_stages):
            for b in range(max(space.blocks)):
                slots.append(_Slot(f"s{s}_b{b}", (widest, in_channels if (s, b) == (0, 0) else widest, kmax, kmax), True))
        # A head layer reading the conv output: sized for the largest map any subnet can leave.
        flat = (widest, inp.height, inp.width)
        head_width = max(space.head_widths)
        for i in range(max(space.head_layers)):
            slots.append(_Slot(f"head{i}", (head_width, *(flat if i == 0 else (head_width,))), True))
        slots.append(_Slot("classifier_conv", (classes, *flat), False))
        slots.append(_Slot("classifier_head", (classes, head_width), False))
        return slots

    def layer_plan(self, point: dict[str, Any]) -> list[tuple[str, Any]]:
        """The subnet's layers, each paired with the shared slot it reads (``pool`` for pools)."""
        arch = self.space.decode(point)
        conv_space = isinstance(self.space.space, ConvSpace)
        conv_keys = iter(f"s{s}_b{b}" for s in range(point.get("stages", 0)) for b in range(point[f"s{s}_blocks"]))
        hidden = sum(isinstance(layer, Linear) for layer in arch.layers) - 1
        if conv_space:
            classifier = "classifier_head" if hidden else "classifier_conv"
        else:
            classifier = "classifier"
        fc_keys = iter([f"{'head' if conv_space else 'fc'}{i}" for i in range(hidden)] + [classifier])
        plan = []
        for layer in arch.layers:
            if not plan and isinstance(layer, Linear) and arch.input.bits == 8 and not conv_space:
                next(fc_keys)
                plan.append(("fc0_int", layer))
            elif isinstance(layer, Conv):
                plan.append((next(conv_keys), layer))
            elif isinstance(layer, MaxPool):
                plan.append(("pool", layer))
            else:
                plan.append((next(fc_keys), layer))
        return plan

    def forward(self, x: torch.Tensor, point: dict[str, Any], bn_stats: dict[str, tuple] | None = None) -> torch.Tensor:
        """Run one subnet on raw pixels (0..255). ``bn_stats`` given: use those statistics (evaluation); else batch statistics."""
        return self._run(x, point, bn_stats, collect=None)

    def _norm(self, x, key, bn_stats, collect):
        """The slot's BatchNorm: batch statistics (recorded into ``collect`` when given), or ``bn_stats``'s."""
        channels = x.shape[1]
        gamma, beta = self.bn_weight[key][:channels], self.bn_bias[key][:channels]
        if collect is not None:
            dims = [0, 2, 3] if x.dim() == 4 else [0]
            collect.setdefault(key, []).append((x.mean(dims).detach(), x.var(dims, unbiased=False).detach()))
        if bn_stats is None:
            return F.batch_norm(x, None, None, gamma, beta, training=True)
        mean, var = bn_stats[key]
        return F.batch_norm(x, mean, var, gamma, beta, training=False)

    def _run(self, x, point, bn_stats, collect):
        if isinstance(self.space.space, CellSpace):
            return self.cells.run(x, point, lambda y, key: self._norm(y, key, bn_stats, collect))
        plan = self.layer_plan(point)
        # The supernet reads raw pixels (0..255); a subnet with binarised input sees what
        # hwnas.model.prepare_input gives the hardware: +1 for pixels >= 128, else -1.
        if self.space.decode(point).input.bits == 1:
            x = torch.where(x >= 128, 1.0, -1.0)
        for index, (key, layer) in enumerate(plan):
            last = index == len(plan) - 1
            if key == "pool":
                x = F.max_pool2d(x, layer.kernel, layer.effective_stride)
                continue
            weight = self.weights[key]
            if isinstance(layer, Conv):
                kmax = weight.shape[-1]
                lo = (kmax - layer.kernel) // 2
                w = weight[: layer.out, : x.shape[1], lo : lo + layer.kernel, lo : lo + layer.kernel]
                x = F.conv2d(x, ste_sign(w))
            else:
                if x.dim() == 4:
                    _, c, h, wd = x.shape
                    w = weight[: layer.out, :c, :h, :wd].reshape(layer.out, -1)
                    x = x.reshape(x.shape[0], -1)
                else:
                    w = weight[: layer.out, : x.shape[1]]
                x = F.linear(x, ste_sign(w))
            if last:
                # A positive scale keeps the argmax (the hardware's label select) and keeps the
                # raw popcount sums, thousands wide, out of the softmax's saturated range.
                return x * torch.exp(self.log_scale[key])
            x = ste_sign(self._norm(x, key, bn_stats, collect))
        raise AssertionError("a subnet ends in its classifier")

    @torch.no_grad()
    def calibrate(self, point: dict[str, Any], batches: list[torch.Tensor]) -> dict[str, tuple]:
        """BatchNorm statistics of one subnet from calibration batches (NAS-BNN's recalibration).

        As in Once-for-All, each batch runs with batch statistics and the per-batch means and
        variances are pooled; shared running statistics would belong to no single subnet.
        """
        collected: dict[str, list] = {}
        for batch in batches:
            self._run(batch, point, None, collect=collected)
        stats = {}
        for key, pairs in collected.items():
            means = torch.stack([m for m, _ in pairs])
            variances = torch.stack([v for _, v in pairs])
            # pooled variance: mean within-batch variance plus the variance of the batch means
            stats[key] = (means.mean(0), variances.mean(0) + means.var(0, unbiased=False))
        return stats


def sandwich_backward(supernet: SuperNet, x: torch.Tensor, y: torch.Tensor, largest: dict[str, Any],
                      others: list[dict[str, Any]], *, distill: bool) -> float:
    """Add one sandwich step's gradients: the largest subnet learns the labels; each of ``others``
    learns the labels too, or with ``distill`` the largest subnet's predictions of the same batch
    (in-place distillation; the teacher's output is detached). Returns the largest subnet's loss."""
    logits = supernet(x, largest)
    loss = F.cross_entropy(logits, y)
    loss.backward()
    target = F.softmax(logits.detach(), dim=1) if distill else y
    for point in others:
        F.cross_entropy(supernet(x, point), target).backward()
    return loss.item()


def train_supernet(
    supernet: SuperNet,
    images: np.ndarray,
    labels: np.ndarray,
    *,
    epochs: int,
    batch_size: int = 128,
    recipe: SupernetRecipe = SupernetRecipe(),
    seed: int = 0,
    device: str = "cpu",
    progress: bool = True,
    state_path: Path | None = None,
    log: Callable[[str], None] = lambda line: None,
) -> list[float]:
    """Sandwich-rule training: each step the largest, the smallest and ``recipe.random_subnets``
    random subnets add their gradients before one Adam step (cosine schedule, no weight decay on the
    binary latent weights); :class:`SupernetRecipe` says what else (warm-up of the largest subnet,
    in-place distillation, clipped latent weights). Returns the mean loss of the largest subnet in
    each epoch.

    With ``state_path`` the weights, optimiser and random state are saved after every epoch and
    a later call resumes from there, so a killed search loses at most one epoch.
    """
    from tqdm import tqdm

    from hwnas.logs import bars_wanted

    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    supernet.to(device).train()
    optimizer = torch.optim.Adam(supernet.parameters(), lr=recipe.lr)
    steps_per_epoch = math.ceil(len(images) / batch_size)
    total_steps = max(1, epochs * steps_per_epoch)
    warmup_steps = int(recipe.warmup_share * total_steps)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=total_steps)
    losses: list[float] = []
    if state_path is not None and state_path.is_file():
        state = torch.load(state_path, map_location=device, weights_only=False)
        supernet.load_state_dict(state["supernet"])
        optimizer.load_state_dict(state["optimizer"])
        scheduler.load_state_dict(state["scheduler"])
        rng.bit_generator.state = state["rng"]
        torch.set_rng_state(state["torch_rng"])
        losses = state["losses"]
    largest = supernet.space.sample(ExtremeChoices(largest=True))
    smallest = supernet.space.sample(ExtremeChoices(largest=False))
    x_all = torch.as_tensor(images, dtype=torch.float32)
    y_all = torch.as_tensor(labels, dtype=torch.long)
    for epoch in range(len(losses), epochs):
        order = torch.as_tensor(rng.permutation(len(images)))
        total, count, started = 0.0, 0, time.perf_counter()
        bar = tqdm(range(steps_per_epoch), desc=f"supernet epoch {epoch + 1}/{epochs}", disable=not bars_wanted(progress), leave=False)
        for step in bar:
            idx = order[step * batch_size : (step + 1) * batch_size]
            x, y = x_all[idx].to(device), y_all[idx].to(device)
            optimizer.zero_grad()
            others = []
            if epoch * steps_per_epoch + step >= warmup_steps:
                others = [smallest] + [supernet.space.sample(RandomChoices(rng)) for _ in range(recipe.random_subnets)]
            loss = sandwich_backward(supernet, x, y, largest, others, distill=recipe.distill)
            optimizer.step()
            scheduler.step()
            if recipe.clip_latent:
                with torch.no_grad():
                    for weight in supernet.weights.values():
                        weight.clamp_(-1.0, 1.0)
            total += loss * len(idx)
            count += len(idx)
            bar.set_postfix(loss=f"{total / count:.3f}")
        losses.append(total / count)
        log(f"supernet epoch {epoch + 1}/{epochs}: loss {total / count:.4f}, {time.perf_counter() - started:.1f} s")
        if state_path is not None:
            state = {
                "supernet": supernet.state_dict(), "optimizer": optimizer.state_dict(),
                "scheduler": scheduler.state_dict(), "rng": rng.bit_generator.state,
                "torch_rng": torch.get_rng_state(), "losses": losses,
            }
            partial = state_path.with_suffix(".partial")
            torch.save(state, partial)
            partial.replace(state_path)  # atomic: a kill mid-write leaves the previous epoch intact
    supernet.eval()
    return losses


@torch.no_grad()
def subnet_accuracy(
    supernet: SuperNet,
    point: dict[str, Any],
    *,
    calib_images: np.ndarray,
    images: np.ndarray,
    labels: np.ndarray,
    batch_size: int = 500,
    device: str = "cpu",
) -> float:
    """Top-1 accuracy of one subnet with inherited weights and recalibrated BatchNorm."""
    calib = [torch.as_tensor(calib_images[i : i + batch_size], dtype=torch.float32, device=device)
             for i in range(0, len(calib_images), batch_size)]
    stats = supernet.calibrate(point, calib)
    correct = 0
    for i in range(0, len(images), batch_size):
        x = torch.as_tensor(images[i : i + batch_size], dtype=torch.float32, device=device)
        pred = supernet(x, point, bn_stats=stats).argmax(1).cpu().numpy()
        correct += int((pred == labels[i : i + batch_size]).sum())
    return correct / len(images)
