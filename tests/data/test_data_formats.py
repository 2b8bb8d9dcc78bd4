import gzip
import pickle

import numpy as np
import pytest

from dataset_writers import cifar_batch_bytes, write_cifar10, write_idx, write_mnist_folder, write_svhn
from hwnas.data.cifar import read_cifar10
from hwnas.data.idx import read_idx
from hwnas.data.mnist import read_mnist_folder
from hwnas.data.svhn import read_svhn
from hwnas.errors import UserError


@pytest.mark.parametrize("name", ["images-idx3-ubyte", "images-idx3-ubyte.gz"])
def test_idx_reads_what_was_written(tmp_path, name):
    array = np.random.default_rng(1).integers(0, 256, (5, 7, 3), dtype=np.uint8)
    path = write_idx(tmp_path / name, array)
    read = read_idx(path)
    assert read.shape == (5, 7, 3) and read.dtype == np.uint8
    np.testing.assert_array_equal(read, array)


def test_idx_rejects_damaged_files(tmp_path):
    path = write_idx(tmp_path / "x-idx3-ubyte", np.zeros((4, 3, 3), np.uint8))
    path.write_bytes(path.read_bytes()[:-5])
    with pytest.raises(UserError, match="4x3x3 = 36 bytes of data, file holds 31"):
        read_idx(path)
    path.write_bytes(b"\x01\x02\x08\x01" + b"\x00" * 8)
    with pytest.raises(UserError, match="bad magic"):
        read_idx(path)
    gz = tmp_path / "cut-idx1-ubyte.gz"
    gz.write_bytes(gzip.compress(b"\x00\x00\x08\x01\x00\x00\x00\x05" + b"\x01" * 5)[:-10])
    with pytest.raises(UserError, match="cannot read"):
        read_idx(gz)


@pytest.mark.parametrize("gz", [True, False], ids=["gzipped", "unpacked"])
def test_mnist_folder(tmp_path, gz):
    arrays = write_mnist_folder(tmp_path, np.random.default_rng(2), train=9, test=4, gz=gz)
    data = read_mnist_folder(tmp_path, name="mnist")
    assert data.image_shape == (1, 28, 28) and data.classes == 10
    assert len(data.train) == 9 and len(data.test) == 4
    np.testing.assert_array_equal(data.train.images[:, 0], arrays["train-images-idx3-ubyte"])
    np.testing.assert_array_equal(data.test.labels, arrays["t10k-labels-idx1-ubyte"])
    assert data.train.labels.dtype == np.int64


def test_mnist_label_count_mismatch_is_a_user_error(tmp_path):
    write_mnist_folder(tmp_path, np.random.default_rng(3), train=9, test=4)
    write_idx(tmp_path / "train-labels-idx1-ubyte.gz", np.zeros(8, np.uint8))
    with pytest.raises(UserError, match="9 images but .* 8 labels"):
        read_mnist_folder(tmp_path, name="mnist")


@pytest.mark.parametrize("archive", [False, True], ids=["batches", "tarball"])
def test_cifar10_channel_order_and_splits(tmp_path, archive):
    content = write_cifar10(tmp_path, np.random.default_rng(4), per_batch=3, archive=archive)
    data = read_cifar10(tmp_path)
    assert data.image_shape == (3, 32, 32) and len(data.train) == 15 and len(data.test) == 3
    expected = np.concatenate([content[f"data_batch_{i}"][0] for i in range(1, 6)])
    np.testing.assert_array_equal(data.train.images, expected)
    np.testing.assert_array_equal(data.test.labels, content["test_batch"][1])
    # The published layout: 1024 red values, then green, then blue, each row-major.
    raw = pickle.loads(cifar_batch_bytes(*content["test_batch"]), encoding="bytes")[b"data"]
    assert data.test.images[2, 1, 5, 7] == raw[2, 1024 + 5 * 32 + 7]


def test_cifar10_batches_folder_itself_is_accepted(tmp_path):
    write_cifar10(tmp_path, np.random.default_rng(5), per_batch=2)
    assert len(read_cifar10(tmp_path / "cifar-10-batches-py").train) == 10


def test_cifar10_pickle_cannot_run_code(tmp_path):
    write_cifar10(tmp_path, np.random.default_rng(6), per_batch=2)
    marker = tmp_path / "pwned"

    class Exploit:
        def __reduce__(self):
            return (open, (str(marker), "w"))

    (tmp_path / "cifar-10-batches-py" / "test_batch").write_bytes(pickle.dumps({b"data": Exploit()}, protocol=2))
    with pytest.raises(UserError, match="may not reference"):
        read_cifar10(tmp_path)
    assert not marker.exists()


def test_svhn_layout_and_label_ten_is_zero(tmp_path):
    content = write_svhn(tmp_path, np.random.default_rng(7), train=6, test=11)
    data = read_svhn(tmp_path)
    x, y = content["test"]
    assert data.image_shape == (3, 32, 32) and len(data.train) == 6 and len(data.test) == 11
    # X is height x width x channel x image in the .mat file
    assert data.test.images[4, 2, 10, 20] == x[10, 20, 2, 4]
    np.testing.assert_array_equal(data.test.labels, np.where(y[:, 0] == 10, 0, y[:, 0]))
    assert set(data.test.labels) <= set(range(10))


def test_svhn_bad_labels(tmp_path):
    from scipy.io import savemat

    write_svhn(tmp_path, np.random.default_rng(8))
    savemat(tmp_path / "test_32x32.mat", {"X": np.zeros((32, 32, 3, 2), np.uint8), "y": np.array([[0.0], [3.0]])})
    with pytest.raises(UserError, match="labels must be 1..10"):
        read_svhn(tmp_path)
