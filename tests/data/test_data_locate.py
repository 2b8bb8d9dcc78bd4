import dataclasses
import hashlib
import http.server
import threading
from pathlib import Path

import numpy as np
import pytest

from dataset_writers import write_cifar10, write_idx, write_mnist_folder
from hwnas.data.cifar import CIFAR10, read_cifar10
from hwnas.data.locate import DownloadError, Locations, RemoteFile, download_file, locate
from hwnas.data.mnist import FASHION_MNIST, MNIST, STEMS
from hwnas.errors import UserError


def md5(path: Path) -> str:
    return hashlib.md5(path.read_bytes()).hexdigest()


def published(tmp_path: Path, seed: int = 0) -> tuple[Path, tuple[RemoteFile, ...]]:
    """A folder playing the canonical server, and remote entries with the files' true checksums."""
    server_dir = tmp_path / "server"
    write_mnist_folder(server_dir, np.random.default_rng(seed), train=6, test=3)
    remotes = tuple(
        RemoteFile((server_dir / f"{stem}.gz").as_uri(), f"{stem}.gz", md5(server_dir / f"{stem}.gz"))
        for stem in STEMS["train"] + STEMS["test"]
    )
    return server_dir, remotes


def test_file_url_download_checks_md5(tmp_path):
    source = tmp_path / "blob.bin"
    source.write_bytes(b"binary networks" * 1000)
    dest = download_file(source.as_uri(), tmp_path / "cache" / "blob.bin", md5=md5(source), progress=False)
    assert dest.read_bytes() == source.read_bytes()
    with pytest.raises(DownloadError, match="expected 0{32}"):
        download_file(source.as_uri(), tmp_path / "cache" / "other.bin", md5="0" * 32, progress=False)
    assert not (tmp_path / "cache" / "other.bin").exists()
    assert not (tmp_path / "cache" / "other.bin.part").exists()


def test_loopback_http_download(tmp_path):
    served = tmp_path / "www"
    served.mkdir()
    (served / "data.gz").write_bytes(bytes(range(256)) * 500)

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(served), **kwargs)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/data.gz"
        dest = download_file(url, tmp_path / "got.gz", md5=md5(served / "data.gz"), progress=False)
        assert dest.read_bytes() == (served / "data.gz").read_bytes()
        with pytest.raises(DownloadError, match="404"):
            download_file(url + ".missing", tmp_path / "nothing.gz", md5="0" * 32, progress=False)
    finally:
        server.shutdown()
        server.server_close()


def test_order_data_dir_then_system_then_cache(tmp_path):
    rng = np.random.default_rng(1)
    data_dir, system, cache = tmp_path / "mine", tmp_path / "usr-share", tmp_path / "cache"
    write_mnist_folder(system, rng)
    write_mnist_folder(cache / "fashion-mnist", rng)
    source = dataclasses.replace(FASHION_MNIST, system_dirs=(system,), remotes=())
    assert locate(source, Locations(cache_dir=cache)) == system
    write_mnist_folder(data_dir / "fashion-mnist", rng, gz=False)
    assert locate(source, Locations(data_dir=data_dir, cache_dir=cache)) == data_dir / "fashion-mnist"
    no_system = dataclasses.replace(source, system_dirs=(tmp_path / "absent",))
    assert locate(no_system, Locations(cache_dir=cache)) == cache / "fashion-mnist"


def test_download_into_cache_then_found_there(tmp_path):
    _, remotes = published(tmp_path)
    source = dataclasses.replace(MNIST, remotes=remotes)
    cache = tmp_path / "cache"
    folder = locate(source, Locations(cache_dir=cache), progress=False)
    assert folder == cache / "mnist"
    assert sorted(p.name for p in folder.iterdir()) == sorted(r.filename for r in remotes)
    # A second run finds the cache and downloads nothing: the "server" can be gone.
    for remote in remotes:
        Path(remote.url.removeprefix("file://")).unlink()
    assert locate(source, Locations(cache_dir=cache), progress=False) == folder


def test_bad_checksum_fails_with_the_whole_story(tmp_path):
    _, remotes = published(tmp_path)
    tampered = (remotes[0], dataclasses.replace(remotes[1], md5="f" * 32), *remotes[2:])
    source = dataclasses.replace(MNIST, remotes=tampered)
    with pytest.raises(UserError) as err:
        locate(source, Locations(data_dir=tmp_path / "nowhere", cache_dir=tmp_path / "cache"), progress=False)
    message = str(err.value)
    assert f"--data-dir {tmp_path / 'nowhere'}: no such folder" in message
    assert f"cache {tmp_path / 'cache' / 'mnist'}: no such folder" in message
    assert "expected ffffffff" in message and "--data-dir FOLDER" in message
    assert not (tmp_path / "cache" / "mnist" / remotes[1].filename).exists()


def test_offline_and_disabled_download_are_reported(tmp_path):
    source = dataclasses.replace(
        MNIST, remotes=(RemoteFile((tmp_path / "gone.gz").as_uri(), "gone.gz", "0" * 32),)
    )
    with pytest.raises(UserError, match=r"download: download of file://.*gone.gz failed"):
        locate(source, Locations(cache_dir=tmp_path / "c"), progress=False)
    with pytest.raises(UserError, match=r"download: switched off \(--no-download\)"):
        locate(source, Locations(cache_dir=tmp_path / "c", download=False))
    with pytest.raises(UserError, match="no cache folder"):
        locate(source, Locations())


def test_incomplete_folder_is_not_taken(tmp_path):
    write_mnist_folder(tmp_path / "mnist", np.random.default_rng(2))
    (tmp_path / "mnist" / "t10k-labels-idx1-ubyte.gz").unlink()
    source = dataclasses.replace(MNIST, remotes=())
    with pytest.raises(UserError, match="(?s)mnist: does not hold the four IDX files.*no canonical download"):
        locate(source, Locations(data_dir=tmp_path))
    write_idx(tmp_path / "mnist" / "t10k-labels-idx1-ubyte", np.zeros(12, np.uint8))
    assert locate(source, Locations(data_dir=tmp_path)) == tmp_path / "mnist"


def test_cifar10_tarball_downloads_and_reads_without_unpacking(tmp_path):
    content = write_cifar10(tmp_path / "server", np.random.default_rng(3), per_batch=2, archive=True)
    archive = tmp_path / "server" / "cifar-10-python.tar.gz"
    source = dataclasses.replace(CIFAR10, remotes=(dataclasses.replace(CIFAR10.remotes[0], url=archive.as_uri(), md5=md5(archive)),))
    folder = locate(source, Locations(cache_dir=tmp_path / "cache"), progress=False)
    assert [p.name for p in folder.iterdir()] == ["cifar-10-python.tar.gz"]
    data = read_cifar10(folder)
    np.testing.assert_array_equal(data.test.images, content["test_batch"][0])
