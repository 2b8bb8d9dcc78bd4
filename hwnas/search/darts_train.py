"""The differentiable search's training loop: binary weights on training images and architecture
weights on validation images, alternating each step (first-order DARTS), checkpointed every epoch."""

from __future__ import annotations

import math
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from hwnas.errors import UserError
from hwnas.search.darts_cost import op_costs
from hwnas.search.darts_derive import derive, uniform_cells
from hwnas.search.darts_net import SearchNetwork
from hwnas.search.study import judge


def entropy(weights: dict[str, torch.Tensor]) -> torch.Tensor:
    """Mean entropy of the edges' op weights (BNAS's diversity: high while no op dominates)."""
    return torch.stack([-(w * torch.log(w.clamp_min(1e-12))).sum(-1).mean() for w in weights.values()]).mean()


def run_search(space, macro: dict, dataset, train_index, val_index, settings, options, *, epochs: int, identity: dict,
               state_path: Path, log) -> tuple[list[dict], dict[str, np.ndarray]]:
    """Search, or resume after the last saved epoch; returns the per-epoch history and the final op weights."""
    torch.manual_seed(settings.seed)
    rng = np.random.default_rng(settings.seed)
    shape = space.input.shape
    from hwnas.search.inputs import supernet_pixels

    train_x, train_y = map(torch.as_tensor, supernet_pixels(dataset, space, train_index))
    val_x, val_y = map(torch.as_tensor, supernet_pixels(dataset, space, val_index))
    device = torch.device(settings.device)
    net = SearchNetwork(macro, space.space, shape, space.classes).to(device)
    batch = options.batch_size
    steps = math.ceil(len(train_x) / batch)
    weight_opt = torch.optim.Adam(net.weight_parameters(), lr=options.weight_lr)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(weight_opt, T_max=max(1, epochs * steps))
    alpha_opt = torch.optim.Adam(net.architecture_parameters(), lr=options.alpha_lr, betas=(0.5, 0.999), weight_decay=1e-3)
    zeroised = judge(space.decode(uniform_cells(macro, space.space, "zeroise")), settings.board, settings.fps)
    costs = op_costs(macro, space.space, shape, space.classes, settings.board, settings.fps, zeroised.lut)
    history: list[dict] = []
    hardware_weight = options.hardware_weight
    if state_path.is_file():
        state = torch.load(state_path, map_location="cpu", weights_only=False)
        if state["identity"] != identity:
            raise UserError(f"{state_path.parent.parent} holds a differentiable search with other settings; use another --out")
        net.load_state_dict(state["net"])
        weight_opt.load_state_dict(state["weight_opt"])
        schedule.load_state_dict(state["schedule"])
        alpha_opt.load_state_dict(state["alpha_opt"])
        rng.bit_generator.state = state["rng"]
        torch.set_rng_state(state["torch_rng"])
        history, hardware_weight = state["history"], state["hardware_weight"]
        if len(history) < epochs:
            log(f"resuming the differentiable search after epoch {len(history)}/{epochs}")
    warmup = options.warmup_epochs if epochs > options.warmup_epochs else 0
    for epoch in range(len(history), epochs):
        temperature = options.temperature_at(epoch, epochs)
        diverse = options.diversity and epoch < options.diversity_share * epochs
        started, loss_sum, seen = time.perf_counter(), 0.0, 0
        order, val_order = rng.permutation(len(train_x)), rng.permutation(len(val_x))
        net.train()
        for step in range(steps):
            idx = order[step * batch : (step + 1) * batch]
            if len(idx) < 2:
                continue
            loss = F.cross_entropy(net(train_x[idx].to(device), temperature), train_y[idx].to(device))
            weight_opt.zero_grad(set_to_none=True)
            loss.backward()
            weight_opt.step()
            schedule.step()
            with torch.no_grad():
                for p in net.binary_weights():
                    p.clamp_(-1.0, 1.0)
            loss_sum, seen = loss_sum + loss.item() * len(idx), seen + len(idx)
            if epoch < warmup:
                continue
            start = (step * batch) % len(val_x)
            vidx = val_order[start : start + batch]
            if len(vidx) < 2:
                continue
            weights = net.op_weights(temperature)
            arch_loss = F.cross_entropy(net(val_x[vidx].to(device), temperature), val_y[vidx].to(device))
            arch_loss = arch_loss + hardware_weight * costs.penalty(weights, lut_share=options.lut_share)
            if diverse:
                arch_loss = arch_loss - options.diversity_weight * entropy(weights)
            alpha_opt.zero_grad(set_to_none=True)
            arch_loss.backward()
            alpha_opt.step()
        accuracy = _accuracy(net, val_x, val_y, temperature)
        with torch.no_grad():
            weights = {t: w.cpu().numpy() for t, w in net.op_weights(temperature).items()}
            expected = float(costs.expected_lut(net.op_weights(temperature)))
        point = {**macro, **derive(weights, space.space, max_skips=options.max_skips)}
        verdict = judge(space.decode(point), settings.board, settings.fps)
        alphas = {t: a.detach().cpu().numpy().copy() for t, a in net.alphas.items()}
        history.append({
            "epoch": epoch + 1, "temperature": temperature, "hardware_weight": hardware_weight, "val_accuracy": accuracy,
            "expected_lut": expected, "alphas": {t: a.tolist() for t, a in alphas.items()},
            "op_weights": {t: v.tolist() for t, v in weights.items()},
            "derived": {"point": point, "feasible": verdict.feasible, "lut": verdict.lut, "bram18": verdict.bram18,
                        "fps": verdict.fps, "hardware": verdict.reason},
        })
        log(f"darts epoch {epoch + 1}/{epochs}: loss {loss_sum / max(1, seen):.4f}, search-network validation accuracy "
            f"{accuracy:.2%}, temperature {temperature:.2f}, expected {expected:,.0f} LUT; derived {verdict.lut:,} LUT, "
            f"{verdict.fps:,.0f} fps{'' if verdict.feasible else ' (does not fit: hardware weight doubled)'}, "
            f"{time.perf_counter() - started:.0f} s")
        if not verdict.feasible:
            hardware_weight *= 2
        _save(state_path, net=net.state_dict(), weight_opt=weight_opt.state_dict(), schedule=schedule.state_dict(),
              alpha_opt=alpha_opt.state_dict(), rng=rng.bit_generator.state, torch_rng=torch.get_rng_state(),
              history=history, hardware_weight=hardware_weight, identity=identity)
    net.eval()
    final = options.temperature_at(epochs - 1, epochs)
    with torch.no_grad():
        return history, {t: w.cpu().numpy() for t, w in net.op_weights(final).items()}


@torch.no_grad()
def _accuracy(net, images, labels, temperature: float, batch: int = 500) -> float:
    net.eval()
    device = next(net.parameters()).device
    correct = sum(int((net(images[i : i + batch].to(device), temperature).argmax(1).cpu() == labels[i : i + batch]).sum())
                  for i in range(0, len(images), batch))
    return correct / len(images)


def _save(path: Path, **state) -> None:
    partial = path.with_suffix(".partial")
    torch.save(state, partial)
    partial.replace(path)  # atomic: a kill mid-write leaves the previous epoch intact
