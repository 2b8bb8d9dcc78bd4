import numpy as np
import pytest

pytestmark = pytest.mark.slow
import torch

from hwnas.arch.spec import FlatInput, ImageInput
from hwnas.data.synthetic import make_synthetic
from hwnas.model import prepare_input
from hwnas.search.inherit import subnet_model
from hwnas.search.space import ConvSpace, ExtremeChoices, MlpSpace, RandomChoices, SearchSpace
from hwnas.search.supernet import SuperNet, subnet_accuracy, train_supernet

SPACES = {
    "conv": SearchSpace(ImageInput(1, 12, 12, 8), 4, ConvSpace(widths=(8, 16), head_widths=(16, 32))),
    "mlp": SearchSpace(FlatInput(144, 8), 4, MlpSpace(widths=(16, 32, 64))),
}


@pytest.fixture(scope="module", params=sorted(SPACES))
def trained(request):
    space = SPACES[request.param]
    data = make_synthetic((1, 12, 12), 4, seed=3)
    x = data.train.images.astype(np.float32).reshape(len(data.train), *space.input.shape)
    net = SuperNet(space)
    losses = train_supernet(net, x, data.train.labels, epochs=3, seed=0, progress=False)
    return space, net, data, losses


def test_sandwich_training_lowers_the_loss_and_beats_chance(trained):
    space, net, data, losses = trained
    assert losses[-1] < losses[0]
    x = data.test.images.astype(np.float32).reshape(len(data.test), *space.input.shape)
    calib = data.train.images[:256].astype(np.float32).reshape(256, *space.input.shape)

    def accuracy(point):
        return subnet_accuracy(net, point, calib_images=calib, images=x, labels=data.test.labels)

    rng = np.random.default_rng(11)
    random_points = [space.sample(RandomChoices(rng)) for _ in range(6)]
    chance = 0.25
    assert accuracy(space.sample(ExtremeChoices(False))) > 0.8
    if isinstance(space.space, MlpSpace):
        # Deep conv subnets (up to 8 binary layers on 2x2 maps here) need more than 3 epochs;
        # the README lists this under the search's limits.
        assert accuracy(space.sample(ExtremeChoices(True))) > 0.8
        assert np.mean([accuracy(p) for p in random_points]) > chance + 0.3


def test_inherited_brevitas_model_computes_what_the_subnet_computes(trained):
    space, net, data, _ = trained
    rng = np.random.default_rng(7)
    raw = data.test.images.reshape(len(data.test), *space.input.shape)
    calib = data.train.images[:256].astype(np.float32).reshape(256, *space.input.shape)
    for _ in range(6):
        point = space.sample(RandomChoices(rng))
        model, arch = subnet_model(net, point, calib)
        stats = net.calibrate(point, [torch.as_tensor(calib)])
        with torch.no_grad():
            from_supernet = net(torch.as_tensor(raw, dtype=torch.float32), point, bn_stats=stats).argmax(1)
            from_model = model(torch.from_numpy(prepare_input(raw, arch))).argmax(1)
        assert torch.equal(from_supernet, from_model), arch


KILL_SCRIPT = """
import sys, numpy as np, torch
from pathlib import Path
torch.set_num_threads(1)
sys.path.insert(0, {tests!r})
from test_supernet import SPACES, resume_data
from hwnas.search.supernet import SuperNet, train_supernet
x, y = resume_data()
train_supernet(SuperNet(SPACES["mlp"]), x, y, epochs=40, seed=1, progress=False, state_path=Path({state!r}))
"""


def resume_data():
    data = make_synthetic((1, 12, 12), 4, seed=4, train_size=512)
    return data.train.images.astype(np.float32).reshape(512, -1), data.train.labels


@pytest.mark.slow
def test_killed_supernet_training_resumes_where_it_stopped(tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time
    from pathlib import Path

    torch.set_num_threads(1)
    state = tmp_path / "supernet.pt"
    script = KILL_SCRIPT.format(tests=str(Path(__file__).parent), state=str(state))
    proc = subprocess.Popen([sys.executable, "-c", script], env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    deadline = time.time() + 120
    while not state.exists() and time.time() < deadline and proc.poll() is None:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert state.exists(), "the training wrote no state before it was killed"
    done_before = len(torch.load(state, weights_only=False)["losses"])
    assert 1 <= done_before < 40

    x, y = resume_data()
    resumed = SuperNet(SPACES["mlp"])
    losses = train_supernet(resumed, x, y, epochs=40, seed=1, progress=False, state_path=state)
    straight = SuperNet(SPACES["mlp"])
    expected = train_supernet(straight, x, y, epochs=40, seed=1, progress=False)
    assert losses == expected
    for key in straight.weights:
        assert torch.equal(straight.weights[key], resumed.weights[key])
