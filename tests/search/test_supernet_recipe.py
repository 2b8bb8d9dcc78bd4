"""The supernet's training recipe: in-place distillation, warm-up of the largest subnet, clipping."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from hwnas.arch.spec import ImageInput
from hwnas.data.synthetic import make_synthetic
from hwnas.search.recipe import SupernetRecipe
from hwnas.search.space import ConvSpace, ExtremeChoices, SearchSpace
from hwnas.search.supernet import SuperNet, sandwich_backward, train_supernet

SPACE = SearchSpace(ImageInput(1, 8, 8, 8), 4, ConvSpace(max_stages=2, widths=(4, 8), head_widths=(8,)))


def batch():
    data = make_synthetic((1, 8, 8), 4, train_size=64, seed=2)
    return torch.as_tensor(data.train.images, dtype=torch.float32).reshape(64, 1, 8, 8), torch.as_tensor(data.train.labels)


def gradients(net):
    return {k: p.grad.clone() for k, p in net.named_parameters() if p.grad is not None}


@pytest.mark.parametrize("distill", [True, False])
def test_other_subnets_learn_the_largest_subnet_s_predictions_not_the_labels(distill):
    x, y = batch()
    largest, smallest = (SPACE.sample(ExtremeChoices(v)) for v in (True, False))
    net = SuperNet(SPACE, seed=1)
    sandwich_backward(net, x, y, largest, [smallest], distill=distill)
    got = gradients(net)

    net.zero_grad()
    teacher_logits = net(x, largest)
    F.cross_entropy(teacher_logits, y).backward()
    target = F.softmax(teacher_logits.detach(), dim=1) if distill else y
    F.cross_entropy(net(x, smallest), target).backward()
    expected = gradients(net)
    assert got.keys() == expected.keys()
    for key in got:
        torch.testing.assert_close(got[key], expected[key])

    # with distillation, the labels reach the smallest subnet only through the teacher
    net.zero_grad()
    sandwich_backward(net, x, y.roll(1), largest, [smallest], distill=distill)
    shuffled = gradients(net)
    net.zero_grad()
    sandwich_backward(net, x, y.roll(1), largest, [], distill=distill)
    largest_shuffled = gradients(net)
    net.zero_grad()
    sandwich_backward(net, x, y, largest, [], distill=distill)
    largest_only = gradients(net)
    smallest_part = {k: got[k] - largest_only.get(k, 0) for k in got}
    smallest_part_shuffled = {k: shuffled[k] - largest_shuffled.get(k, 0) for k in shuffled}
    same = all(torch.allclose(smallest_part[k], smallest_part_shuffled[k], atol=1e-6) for k in smallest_part)
    assert same == distill


def test_warm_up_trains_only_the_largest_subnet_and_latent_weights_stay_clipped():
    x, y = batch()
    net = SuperNet(SPACE, seed=1)
    with torch.no_grad():
        for w in net.weights.values():
            w.mul_(30)  # far outside [-1, 1]: clipping must pull them back
    before = {k: w.clone() for k, w in net.weights.items()}
    after_epoch = []
    # 4 epochs of one step, the first 2 of them warm-up: snapshot the weights after each epoch
    train_supernet(net, x.numpy(), y.numpy(), epochs=4, batch_size=64, progress=False,
                   recipe=SupernetRecipe(warmup_share=0.5, distill=True, clip_latent=True),
                   log=lambda line: after_epoch.append({k: w.detach().clone() for k, w in net.weights.items()}))
    used_by = {name: {key for key, _ in net.layer_plan(SPACE.sample(ExtremeChoices(name == "largest"))) if key != "pool"}
               for name in ("largest", "smallest")}
    only_smallest = used_by["smallest"] - used_by["largest"]
    assert any(key.startswith("classifier_conv") for key in only_smallest)  # no head: the smallest's classifier
    for key in net.weights:
        assert all(snapshot[key].abs().max() <= 1.0 for snapshot in after_epoch)
        clipped = before[key].clamp(-1, 1)
        if key in used_by["largest"]:
            assert not torch.equal(after_epoch[1][key], clipped), key
        else:  # untouched by the warm-up
            assert torch.equal(after_epoch[1][key], clipped), key
        if key in only_smallest:  # and trained after it
            assert not torch.equal(after_epoch[3][key], clipped), key


def test_recipe_rejects_a_warm_up_of_every_step():
    with pytest.raises(ValueError, match="warmup_share"):
        SupernetRecipe(warmup_share=1.0)

