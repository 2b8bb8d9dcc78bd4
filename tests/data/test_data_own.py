"""The user's own data: class-folder trees and .npz files of real Fashion-MNIST images (a slice, at
20x20, 3 classes), read by the one reader that training, the search, build --csim and the driver use."""

import subprocess
import sys

import numpy as np
import pytest

from conftest import FASHION_MNIST, needs_fashion_mnist, run_cli
from dataset_writers import FASHION_CLASSES, fashion_slice, write_image_folder
from hwnas.data.own import load_own_dataset
from hwnas.errors import UserError

pytestmark = needs_fashion_mnist
CLASSES = (0, 1, 7)  # T-shirt, Trouser, Sneaker
NAMES = tuple(FASHION_CLASSES[c] for c in CLASSES)
SIZE = (20, 20)
SPEC = """name: own
input: {features: 400, bits: 1}
classes: 3
layers:
  - {linear: {out: 32}}
  - {linear: {out: 3}}
"""


@pytest.fixture(scope="module")
def fashion(tmp_path_factory):
    """(train images, labels, test images, labels, tree folder, npz path): 3 classes at 20x20."""
    tmp = tmp_path_factory.mktemp("own")
    x, y = fashion_slice(FASHION_MNIST, classes=CLASSES, per_class=200, size=SIZE)
    tx, ty = fashion_slice(FASHION_MNIST, classes=CLASSES, per_class=50, size=SIZE, split="test")
    tree = tmp / "tree"
    write_image_folder(tree / "train", x, y, NAMES)
    write_image_folder(tree / "test", tx, ty, NAMES)
    npz = tmp / "fashion.npz"
    np.savez(npz, images=x, labels=y, class_names=np.array(NAMES))
    return x, y, tx, ty, tree, npz


def test_image_folder_with_train_and_test_reads_the_pixels_and_class_names(fashion):
    x, y, tx, ty, tree, _ = fashion
    data = load_own_dataset(tree)
    assert data.class_names == tuple(sorted(NAMES)) and data.classes == 3 and data.image_shape == (1, *SIZE)
    assert not data.note  # the tree has its own test split
    # folder order is the sorted class names: compare image by image through the names
    order = [NAMES.index(n) for n in data.class_names]
    for images, labels, split in ((x, y, data.train), (tx, ty, data.test)):
        assert len(split) == len(images)
        for new_label, old_label in enumerate(order):
            assert np.array_equal(split.images[split.labels == new_label][:, 0], images[labels == old_label])


def test_npz_without_test_split_draws_a_seeded_one_and_says_so(fashion):
    x, y, _, _, _, npz = fashion
    first, again, other = load_own_dataset(npz, seed=0), load_own_dataset(npz, seed=0), load_own_dataset(npz, seed=1)
    assert first.class_names == NAMES and len(first.test) == 120 and len(first.train) == 480
    assert np.array_equal(first.test.images, again.test.images) and not np.array_equal(first.test.images, other.test.images)
    assert "no test split in fashion.npz: 120 images (20%, seed 0) held out as the test set" in first.summary()
    both = np.concatenate([first.train.images, first.test.images])[:, 0]
    assert sorted(map(bytes, both)) == sorted(map(bytes, x))  # every image exactly once


def test_search_takes_an_in_memory_dataset_and_derives_its_space(fashion, tmp_path):
    """The Python API: a Dataset built in memory goes to search(); its shape and classes make the
    space (stopped by the feasibility check before anything is trained)."""
    from hwnas.board import load_board
    from hwnas.data import Dataset, Split
    from hwnas.search.budget import get_budget
    from hwnas.search.run import SearchSettings, search

    x, y, tx, ty, *_ = fashion
    data = Dataset("mine", Split(x[:, None], y), Split(tx[:, None], ty), classes=3, origin="in memory", class_names=NAMES)
    settings = SearchSettings(dataset=data, board=load_board("pynq-z2"), fps=1e9, budget=get_budget("quick"),
                              out_dir=tmp_path / "run", cache_dir=tmp_path / "cache")
    with pytest.raises(UserError, match=r"the smallest \(linear64 -> linear3\) reaches at most"):
        search(settings)
    assert not (tmp_path / "run").exists()


def test_colour_npz_and_resize(tmp_path):
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (10, 8, 6, 3), dtype=np.uint8)
    np.savez(tmp_path / "c.npz", images=images, labels=np.arange(10) % 2)
    data = load_own_dataset(tmp_path / "c.npz", resize=(4, 5))
    assert data.image_shape == (3, 4, 5) and data.class_names == ("0", "1")


def test_mixed_sizes_are_refused_naming_the_file_or_resized(tmp_path):
    from PIL import Image

    for name, size in (("a", (8, 8)), ("b", (8, 8))):
        (tmp_path / name).mkdir()
        for i in range(3):
            Image.new("L", size, 40 * i).save(tmp_path / name / f"{i}.png")
    Image.new("L", (9, 8)).save(tmp_path / "b" / "odd.png")
    with pytest.raises(UserError, match=r"b/odd.png is 8x9 \(height x width\) but .*a/0.png is 8x8; give --resize HxW"):
        load_own_dataset(tmp_path)
    assert load_own_dataset(tmp_path, resize=(6, 6)).image_shape == (1, 6, 6)


def _bad_data(tmp_path):
    """(name, path, message part) for each kind of bad data."""
    from PIL import Image

    cases = []
    empty = tmp_path / "empty"
    empty.mkdir()
    cases.append(("empty folder", empty, "holds no class sub-folders"))
    one = tmp_path / "one"
    (one / "cat").mkdir(parents=True)
    for i in range(4):
        Image.new("L", (6, 6), i).save(one / "cat" / f"{i}.png")
    cases.append(("one class", one, "holds 1 class; a classifier needs at least 2"))
    broken = tmp_path / "broken"
    for name in ("a", "b"):
        (broken / name).mkdir(parents=True)
        Image.new("L", (6, 6)).save(broken / name / "ok.png")
    (broken / "b" / "bad.png").write_bytes(b"not a png")
    cases.append(("unreadable image", broken, "cannot read the image " + str(broken / "b" / "bad.png")))
    rng = np.random.default_rng(0)
    pixels = rng.integers(0, 256, (6, 6, 6), dtype=np.uint8)
    for name, arrays, message in (
        ("labels out of range", dict(images=pixels, labels=np.array([0, 1, 2, 0, 1, 5]), class_names=np.array(["a", "b", "c"])),
         "labels holds 5, out of range for the 3 class names"),
        ("negative labels", dict(images=pixels, labels=np.array([0, 1, -1, 0, 1, 0])), "labels holds -1"),
        ("float images", dict(images=pixels.astype(np.float32), labels=np.arange(6) % 2), "images must be uint8 pixels, got float32"),
        ("wrong shape", dict(images=pixels.reshape(6, 36), labels=np.arange(6) % 2), "images must be N x H x W or N x H x W x C"),
        ("label count", dict(images=pixels, labels=np.arange(5) % 2), "6 images but 5 labels"),
        ("no labels", dict(images=pixels), "has no 'labels' array"),
    ):
        path = tmp_path / f"{name.replace(' ', '-')}.npz"
        np.savez(path, **arrays)
        cases.append((name, path, message))
    return cases


def test_bad_data_gives_one_line_and_exit_2_in_train_search_and_build(tmp_path, capsys):
    from hwnas.cli import main

    spec = tmp_path / "own.yaml"
    spec.write_text(SPEC)
    for name, path, message in _bad_data(tmp_path):
        for argv in (["train", str(spec), "--dataset", str(path), "--out", str(tmp_path / "t")],
                     ["search", "--board", "pynq-z2", "--fps", "1000", "--dataset", str(path), "--out", str(tmp_path / "s")],
                     ["build", str(tmp_path), "--board", "pynq-z2", "--out", str(tmp_path / "b"), "--dataset", str(path)]):
            assert main(argv) == 2, (name, argv[0])
            err = capsys.readouterr().err
            assert "Traceback" not in err and len(err.strip().splitlines()) == 1, (name, err)
            assert message in err, (name, argv[0], err)
        assert not (tmp_path / "s").exists()  # the search checked --dataset before making its folder
    # a subprocess, as a user runs it
    unknown = run_cli("search", "--board", "pynq-z2", "--fps", "1000", "--dataset", str(tmp_path / "nope"), "--out", str(tmp_path / "s"))
    assert unknown.returncode == 2 and len(unknown.stderr.strip().splitlines()) == 1
    assert "no such file or folder" in unknown.stderr and not (tmp_path / "s").exists()


@pytest.mark.slow
def test_train_on_an_image_folder_keeps_the_class_names(fashion, tmp_path):
    import json

    *_, tree, _ = fashion
    spec = tmp_path / "own.yaml"
    spec.write_text(SPEC)
    result = run_cli("train", str(spec), "--dataset", str(tree), "--epochs", "1", "--threads", "1", "--no-progress",
                     "--out", str(tmp_path / "run"))
    assert result.returncode == 0, result.stderr[-2000:]
    assert "3 classes (Sneaker, T-shirt, Trouser)" in result.stderr
    assert json.loads((tmp_path / "run" / "classes.json").read_text())["class_names"] == ["Sneaker", "T-shirt", "Trouser"]


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["tree", "npz"])
def test_search_on_own_data_then_build_csim_and_the_driver_reads_the_same_data(fashion, tmp_path, kind):
    import json

    *_, tree, npz = fashion
    data = tree if kind == "tree" else npz
    run = tmp_path / "run"
    result = run_cli("search", "--dataset", str(data), "--board", "pynq-z2", "--fps", "1000", "--budget", "quick",
                     "--threads", "1", "--no-progress", "--out", str(run), "--cache-dir", str(tmp_path / "cache"))
    assert result.returncode == 0, result.stderr[-3000:] + result.stdout[-3000:]
    summary = json.loads((run / "summary.json").read_text())
    names = sorted(NAMES) if kind == "tree" else list(NAMES)
    assert summary["class_names"] == names
    best = summary["best"]
    assert best["arch"]["input"]["features"] == 400 and best["arch"]["classes"] == 3  # the space came from the data
    assert best["fits"] and best["fps"] >= 1000 and best["test_accuracy"] > 0.8  # chance is 1/3
    assert ", ".join(names) in (run / "report.html").read_text()
    if kind == "npz":
        assert "no test split in fashion.npz" in result.stdout

    project = tmp_path / "project"
    built = run_cli("build", str(run / "best"), "--board", "pynq-z2", "--out", str(project), "--csim", "40", "--dataset", str(data))
    assert built.returncode == 0, built.stderr[-3000:] + built.stdout[-3000:]
    assert f"C-simulation of 40 {data} test images" in built.stdout
    assert "agrees with the Brevitas model on 40/40" in built.stdout
    accelerator = json.loads((project / "driver" / "accelerator.json").read_text())
    assert accelerator["class_names"] == names
    validate = subprocess.run([sys.executable, str(project / "driver" / "run.py"), "--transport", "csim", "validate",
                               "--dataset", str(data)], capture_output=True, text=True)
    assert validate.returncode == 0, validate.stderr[-3000:]
    if kind == "tree":  # the driver scores the tree's test split: the search's own test accuracy
        correct = round(best["test_accuracy"] * 150)
        assert f"accuracy: {correct}/150 " in validate.stdout
        first_class = tree / "test" / names[0]
        classified = subprocess.run([sys.executable, str(project / "driver" / "run.py"), "--transport", "csim", "classify",
                                     str(first_class)], capture_output=True, text=True, check=True)
        printed = [line.split("\t")[1] for line in classified.stdout.splitlines()]
        assert len(printed) == 50 and set(printed) <= set(names) and printed.count(names[0]) > 40
    else:  # no test split in the .npz: the driver scores all 600 images
        assert "/600 " in validate.stdout
