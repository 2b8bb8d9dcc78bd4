"""Driver of an hwnas accelerator: pack images into its input stream words, move them in batches,
unpack the predicted classes.

The same code runs on a PYNQ board (DmaTransport: the overlay's AXI DMA) and here against the
compiled C-simulation (CsimTransport: the testbench's --raw mode reads and writes exactly the bytes
the DMA moves). It needs only numpy; ``pynq`` is imported by DmaTransport alone, on the board.
accelerator.json, written by ``hwnas build``, describes the stream geometry.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent


class Geometry:
    """The accelerator's interface as accelerator.json describes it."""

    def __init__(self, spec: dict):
        self.spec = spec
        inp, out = spec["input"], spec["output"]
        self.raw_shape = tuple(inp["raw_shape"])  # (C, H, W) for images, (F,) for feature vectors
        self.binarise_at = inp["binarise_at"]  # 1-bit inputs: pixel >= this is +1 (bit 1)
        self.layout = inp["layout"]  # "nhwc": channels innermost; "flat": C, H, W order
        self.element_bits = inp["element_bits"]
        self.elements_per_word = inp["elements_per_word"]
        self.words_per_image = inp["words_per_image"]
        self.in_word_bytes = inp["dma_word_bits"] // 8
        self.class_bits = out["class_bits"]
        self.out_word_bytes = out["dma_word_bits"] // 8
        self.classes = spec["classes"]
        self.class_names = spec["class_names"]  # printed for each predicted class

    @classmethod
    def load(cls, path: Path = HERE / "accelerator.json") -> "Geometry":
        return cls(json.loads(Path(path).read_text()))

    @property
    def image_bytes(self) -> int:
        return self.words_per_image * self.in_word_bytes

    def to_model_layout(self, raw: np.ndarray) -> np.ndarray:
        """uint8 images (N,H,W), (N,H,W,C), (N,C,H,W) or feature vectors (N,F) -> (N, *raw_shape)."""
        raw = np.asarray(raw)
        if raw.dtype != np.uint8:
            raise ValueError(f"images must be uint8, got {raw.dtype}")
        n = raw.shape[0]
        if len(self.raw_shape) == 1:
            if int(np.prod(raw.shape[1:])) != self.raw_shape[0]:
                raise ValueError(f"samples of shape {raw.shape[1:]} do not have {self.raw_shape[0]} features")
            return raw.reshape(n, self.raw_shape[0])
        c, h, w = self.raw_shape
        if raw.shape[1:] == (h, w) and c == 1:
            return raw[:, None, :, :]
        if raw.shape[1:] == (h, w, c):
            return raw.transpose(0, 3, 1, 2)
        if raw.shape[1:] == (c, h, w):
            return raw
        raise ValueError(f"images of shape {raw.shape[1:]} do not fit the input {c}x{h}x{w}")

    def elements(self, raw: np.ndarray) -> np.ndarray:
        """The unsigned element codes of each image in stream order, shape (N, elements)."""
        data = self.to_model_layout(raw)
        if self.binarise_at is not None:
            data = (data >= self.binarise_at).astype(np.uint8)
        if self.layout == "nhwc" and data.ndim == 4:
            data = data.transpose(0, 2, 3, 1)
        return data.reshape(len(data), -1)

    def pack(self, raw: np.ndarray) -> np.ndarray:
        """Images -> the DMA's input buffer, uint8 (N, image_bytes): each stream word holds
        elements_per_word elements, element 0 in the least significant bits, little-endian bytes,
        zero-padded to the DMA's word width."""
        codes = self.elements(raw).astype(np.uint64)
        n = len(codes)
        expected = self.words_per_image * self.elements_per_word
        if codes.shape[1] != expected:
            raise ValueError(f"an image has {codes.shape[1]} elements, the accelerator reads {expected}")
        shifts = np.arange(self.element_bits, dtype=np.uint64)
        bits = ((codes[..., None] >> shifts) & np.uint64(1)).astype(np.uint8)  # (N, E, element_bits)
        bits = bits.reshape(n, self.words_per_image, self.elements_per_word * self.element_bits)
        padded = np.zeros((n, self.words_per_image, self.in_word_bytes * 8), dtype=np.uint8)
        padded[..., : bits.shape[2]] = bits
        return np.packbits(padded, axis=-1, bitorder="little").reshape(n, self.image_bytes)

    def unpack(self, out_bytes: np.ndarray) -> np.ndarray:
        """The DMA's output buffer, uint8 (N, out_word_bytes) -> predicted classes (N,)."""
        words = np.asarray(out_bytes, dtype=np.uint8).reshape(-1, self.out_word_bytes)
        bits = np.unpackbits(words, axis=-1, bitorder="little")[:, : self.class_bits]
        return (bits.astype(np.int64) << np.arange(self.class_bits)).sum(axis=1)


class Transport:
    """Moves packed input bytes of a batch through the accelerator and returns its output bytes."""

    def run(self, packed: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def close(self) -> None:
        pass


class DmaTransport(Transport):
    """The accelerator on a PYNQ board: load the overlay, then per batch write the batch size to the
    accelerator's control registers, start it, and move both buffers with the AXI DMA."""

    def __init__(self, geometry: Geometry, bitfile: Path):
        from pynq import Overlay, allocate  # only on the board

        ip = geometry.spec["ip"]
        self.geometry = geometry
        self.overlay = Overlay(str(bitfile))
        self.dma = getattr(self.overlay, ip["dma"])
        self.accelerator = getattr(self.overlay, ip["accelerator"])
        self.images_register = ip["images_register"]
        self.control_register = ip["control_register"]
        self._allocate = allocate
        self._buffers: dict[int, tuple] = {}

    def _buffers_for(self, images: int):
        if images not in self._buffers:
            g = self.geometry
            self._buffers[images] = (
                self._allocate(shape=(images, g.image_bytes), dtype=np.uint8),
                self._allocate(shape=(images, g.out_word_bytes), dtype=np.uint8),
            )
        return self._buffers[images]

    def run(self, packed: np.ndarray) -> np.ndarray:
        in_buffer, out_buffer = self._buffers_for(len(packed))
        in_buffer[:] = packed
        in_buffer.flush()
        self.accelerator.write(self.images_register, len(packed))
        self.accelerator.write(self.control_register, 1)  # ap_start
        self.dma.recvchannel.transfer(out_buffer)
        self.dma.sendchannel.transfer(in_buffer)
        self.dma.sendchannel.wait()
        self.dma.recvchannel.wait()
        out_buffer.invalidate()
        return np.array(out_buffer)

    def close(self) -> None:
        for in_buffer, out_buffer in self._buffers.values():
            in_buffer.freebuffer()
            out_buffer.freebuffer()
        self._buffers.clear()


class CsimTransport(Transport):
    """The compiled C-simulation of the same accelerator (hls/build/csim, built by `make csim`):
    the packed bytes go through a file, one accelerator call per batch."""

    def __init__(self, binary: Path):
        self.binary = Path(binary)
        if not self.binary.is_file():
            raise FileNotFoundError(f"no C-simulation binary at {self.binary}; run `make csim` in the project folder")

    def run(self, packed: np.ndarray) -> np.ndarray:
        with tempfile.TemporaryDirectory(prefix="hwnas-csim-") as tmp:
            words_in, words_out = Path(tmp) / "in.bin", Path(tmp) / "out.bin"
            np.ascontiguousarray(packed, dtype=np.uint8).tofile(words_in)
            subprocess.run([str(self.binary), "--raw", str(words_in), str(words_out)], check=True)
            return np.fromfile(words_out, dtype=np.uint8)


class Accelerator:
    """Classify uint8 images in batches through a transport."""

    def __init__(self, geometry: Geometry, transport: Transport, *, batch: int = 1000):
        if batch < 1:
            raise ValueError("the batch size must be at least 1")
        self.geometry = geometry
        self.transport = transport
        self.batch = batch

    def classify(self, raw: np.ndarray) -> np.ndarray:
        classes = [
            self.geometry.unpack(self.transport.run(self.geometry.pack(raw[start : start + self.batch])))
            for start in range(0, len(raw), self.batch)
        ]
        return np.concatenate(classes) if classes else np.empty(0, dtype=np.int64)

    def benchmark(self, raw: np.ndarray, *, runs: int) -> dict:
        """Frames per second of the transport alone (packing done beforehand) and end to end."""
        packed = self.geometry.pack(raw)
        start = time.perf_counter()
        for _ in range(runs):
            self.transport.run(packed)
        transport_s = time.perf_counter() - start
        start = time.perf_counter()
        for _ in range(runs):
            self.geometry.unpack(self.transport.run(self.geometry.pack(raw)))
        total_s = time.perf_counter() - start
        frames = runs * len(raw)
        return {"images": frames, "transport_fps": frames / transport_s, "end_to_end_fps": frames / total_s}
