from pathlib import Path

import numpy as np
import pytest

from dataset_writers import write_cifar10, write_mnist_folder, write_svhn
from hwnas.arch import arch_from_dict, load_arch
from hwnas.data import DEFAULT_DATASET, Locations, check_fits, known_datasets, load_dataset
from hwnas.errors import UserError

DEBIAN_FASHION = Path("/usr/share/datasets/fashion-mnist")


def mlp(features: int, classes: int = 10, bits: int = 1):
    return arch_from_dict({"input": {"features": features, "bits": bits}, "classes": classes, "layers": [{"linear": {"out": 16}}, {"linear": {"out": classes}}]}, source="mlp")


def cnn(channels: int, size: int, classes: int = 10):
    return arch_from_dict(
        {"input": {"channels": channels, "height": size, "width": size}, "classes": classes, "layers": [{"conv": {"out": 4, "kernel": 3}}, {"linear": {"out": classes}}]},
        source="cnn",
    )


def test_known_datasets_and_default():
    assert known_datasets() == ("fashion-mnist", "mnist", "cifar10", "svhn", "synthetic")
    assert DEFAULT_DATASET == "fashion-mnist"
    with pytest.raises(UserError, match="unknown dataset 'imagenet'; known: fashion-mnist, mnist"):
        load_dataset("imagenet", mlp(784))


@pytest.mark.parametrize(
    ("name", "writer", "arch"),
    [
        ("mnist", write_mnist_folder, mlp(784)),
        ("fashion-mnist", write_mnist_folder, cnn(1, 28)),
        ("cifar10", write_cifar10, cnn(3, 32)),
        ("svhn", write_svhn, mlp(3072, bits=8)),
    ],
)
def test_each_dataset_loads_through_data_dir(tmp_path, name, writer, arch):
    writer(tmp_path / name, np.random.default_rng(0))
    data = load_dataset(name, arch, locations=Locations(data_dir=tmp_path, download=False))
    assert data.name == name and data.train.images.dtype == np.uint8 and data.classes == 10
    assert data.origin.startswith(str(tmp_path / name))


def test_shape_mismatch_is_caught_before_looking_for_files(tmp_path):
    with pytest.raises(UserError, match="reads 784 input features but cifar10 images are 3x32x32 = 3072"):
        load_dataset("cifar10", mlp(784), locations=Locations(data_dir=tmp_path, download=False))
    with pytest.raises(UserError, match=r"reads 3x32x32 images .* but mnist images are 1x28x28"):
        load_dataset("mnist", cnn(3, 32), locations=Locations(data_dir=tmp_path, download=False))
    with pytest.raises(UserError, match="predicts 4 classes but svhn has 10"):
        check_fits(cnn(3, 32, classes=4), dataset="svhn", image_shape=(3, 32, 32), classes=10)


@pytest.mark.parametrize("arch", [mlp(49, classes=3), cnn(3, 10, classes=5)], ids=["flat", "image"])
def test_synthetic_follows_the_spec_and_is_seeded(arch):
    first = load_dataset("synthetic", arch, seed=3)
    again = load_dataset("synthetic", arch, seed=3)
    other = load_dataset("synthetic", arch, seed=4)
    c, h, w = first.image_shape
    check_fits(arch, dataset="synthetic", image_shape=first.image_shape, classes=first.classes)
    assert first.classes == arch.classes and set(np.unique(first.train.labels)) == set(range(arch.classes))
    np.testing.assert_array_equal(first.train.images, again.train.images)
    assert not np.array_equal(first.train.images, other.train.images)
    assert c * h * w == int(np.prod(arch.input.shape))


def test_synthetic_classes_are_separable_by_their_prototypes():
    data = load_dataset("synthetic", mlp(64, classes=4))
    means = np.stack([data.train.images[data.train.labels == k].mean(axis=0) for k in range(4)])
    distance = ((data.test.images[:, None].astype(float) - means[None]) ** 2).sum(axis=(2, 3, 4))
    accuracy = (distance.argmin(axis=1) == data.test.labels).mean()
    assert accuracy > 0.9  # far above the 0.25 of chance: the labels carry signal


@pytest.mark.skipif(not DEBIAN_FASHION.is_dir(), reason="Debian's dataset-fashion-mnist is not installed (make data)")
def test_real_fashion_mnist_from_the_debian_package():
    data = load_dataset("fashion-mnist", load_arch(Path(__file__).parents[2] / "examples/archs/tfc-w1a1.yaml"), locations=Locations(download=False))
    assert data.origin == str(DEBIAN_FASHION)
    assert (len(data.train), len(data.test)) == (60000, 10000)
    assert np.bincount(data.train.labels).tolist() == [6000] * 10
    assert data.train.labels[:5].tolist() == [9, 0, 0, 3, 0]  # ankle boot, T-shirt, T-shirt, dress, T-shirt
