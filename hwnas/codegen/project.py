"""From a folded dataflow graph to a generated, optionally C-simulated, HLS project folder."""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from hwnas.errors import UserError

FASHION_MNIST_TEST_IMAGES = "t10k-images-idx3-ubyte.gz"
# Test vectors every project carries in data/, so that its `make csim` runs out of the box.
PROJECT_TEST_VECTORS = 10


@dataclass(frozen=True)
class CsimReport:
    images: int
    source: str  # where the images came from
    finn_images: int  # how many of the images FINN's Python execution also classified
    finn_agree: int  # C-sim class == FINN's Python execution of dataflow.onnx
    model_agree: int | None  # C-sim class == the Brevitas model's (None: no model given)
    log: str


def read_idx_images(path: Path, count: int) -> np.ndarray:
    """The first ``count`` images of an IDX (MNIST-format) image file, uint8 (N, H, W)."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as f:
        header = np.frombuffer(f.read(16), dtype=">u4")
        if header[0] != 2051:
            raise UserError(f"{path} is not an IDX image file")
        n, h, w = (int(v) for v in header[1:])
        count = min(count, n)
        return np.frombuffer(f.read(count * h * w), dtype=np.uint8).reshape(count, h, w)


def csim_images(arch, count: int, *, fashion_mnist_dir: Path | None, seed: int = 0, dataset=None) -> tuple[np.ndarray, str]:
    """Raw uint8 test images: the test split of ``dataset`` (a :class:`hwnas.data.Dataset`) when
    given, else real Fashion-MNIST where the input fits, uniformly random otherwise."""
    from hwnas.model import random_raw_inputs

    if dataset is not None:
        raw = dataset.test.images[:count]
        return raw.reshape(len(raw), *arch.input.shape), f"{dataset.name} test images"

    fits = arch.input.shape in ((1, 28, 28), (784,))
    if fits and fashion_mnist_dir is not None and (fashion_mnist_dir / FASHION_MNIST_TEST_IMAGES).is_file():
        raw = read_idx_images(fashion_mnist_dir / FASHION_MNIST_TEST_IMAGES, count)
        return raw.reshape(len(raw), *arch.input.shape), f"Fashion-MNIST test images ({fashion_mnist_dir})"
    return random_raw_inputs(arch, count, np.random.default_rng(seed)), "random images"


def to_graph_input(model_inputs: np.ndarray, graph_shape: tuple, graph_datatype: str) -> np.ndarray:
    """Model inputs (NCHW or flat) to the dataflow graph's input: NHWC or flat layout, and bipolar
    -1/+1 as 0/1 where FINN's XNOR conversion made the input BINARY."""
    if len(graph_shape) == 4 and model_inputs.ndim == 4:
        data = model_inputs.transpose(0, 2, 3, 1)
    else:
        data = model_inputs.reshape(len(model_inputs), *graph_shape[1:])
    if graph_datatype == "BINARY":
        if not np.isin(data, (-1.0, 1.0)).all():
            raise UserError("the dataflow graph reads binary inputs but the model's inputs are not bipolar")
        data = (data + 1) / 2
    return data.astype(np.float32)


def random_graph_inputs(model, count: int, *, seed: int = 0) -> np.ndarray:
    """Uniformly random inputs in the value domain of the dataflow graph's input (for a graph that
    comes without its spec), shaped (count, ...) as the graph reads them."""
    name = model.graph.input[0].name
    dt = model.get_tensor_datatype(name)
    shape = tuple(model.get_tensor_shape(name))[1:]
    return np.random.default_rng(seed).integers(int(dt.min()), int(dt.max()) + 1, size=(count, *shape)).astype(np.float32)


def finn_classes_of_graph_inputs(model, graph_inputs: np.ndarray) -> np.ndarray:
    """FINN's Python execution of the graph on inputs already in the graph's own domain and layout."""
    from hwnas.lower import execute_dataflow

    model_inputs = graph_inputs.transpose(0, 3, 1, 2) if graph_inputs.ndim == 4 else graph_inputs
    if model.get_tensor_datatype(model.graph.input[0].name).name == "BINARY":
        model_inputs = 2 * model_inputs - 1  # execute_dataflow maps model inputs -1/+1 to 0/1
    return execute_dataflow(model, model_inputs)


def model_classes(torch_model, model_inputs: np.ndarray) -> np.ndarray:
    import torch

    with torch.no_grad():
        return torch_model(torch.from_numpy(model_inputs)).argmax(dim=1).numpy()


def build_project(
    dataflow_path: Path,
    *,
    board,
    out_dir: Path,
    arch=None,
    torch_model=None,
    csim: int = 0,
    finn_images: int | None = None,
    fashion_mnist_dir: Path | None = None,
    dataset=None,
) -> CsimReport | None:
    """Generate the HLS project of ``dataflow_path`` into ``out_dir``; with ``csim`` > 0, C-simulate
    that many images and compare with the Brevitas model (when given) and with FINN's Python
    execution of the graph on the first ``finn_images`` of them (default: all; FINN takes about a
    second per CNV-sized image)."""
    from qonnx.core.modelwrapper import ModelWrapper

    from hwnas.codegen.csim import ap_types_include_dir, run_csim
    from hwnas.codegen.generate import generate
    from hwnas.codegen.plan import write_plan

    if not dataflow_path.is_file():
        raise UserError(f"no dataflow graph at {dataflow_path}; run the lowering first")
    model = ModelWrapper(str(dataflow_path))
    hls_include = ap_types_include_dir()
    model_pred = finn_pred = None
    source = ""
    graph_shape = tuple(model.get_tensor_shape(model.graph.input[0].name))
    if csim and arch is None:
        raise UserError("--csim needs the architecture spec (an ARCH.yaml, or a run folder holding arch.yaml)")
    if arch is not None:
        from hwnas.model import prepare_input

        # without --csim the project still carries a few vectors, checked against the model (or FINN)
        raw, source = csim_images(arch, csim or PROJECT_TEST_VECTORS, fashion_mnist_dir=fashion_mnist_dir, dataset=dataset)
        model_inputs = prepare_input(raw, arch)
        graph_dt = model.get_tensor_datatype(model.graph.input[0].name).name
        inputs = to_graph_input(model_inputs, graph_shape, graph_dt)
        if csim or torch_model is None:
            from hwnas.lower import execute_dataflow

            finn_pred = execute_dataflow(model, model_inputs[: len(model_inputs) if finn_images is None else finn_images])
            expected = finn_pred
        if torch_model is not None:
            model_pred = model_classes(torch_model, model_inputs)
            expected = model_pred  # the testbench checks every image against the model
    else:
        inputs = random_graph_inputs(model, PROJECT_TEST_VECTORS)
        expected = finn_classes_of_graph_inputs(model, inputs)
    plan = generate(
        model, design=arch.name if arch is not None else dataflow_path.parent.name, part=board.part, clock_mhz=board.clock_mhz,
        hls_include=hls_include, source=dataflow_path.name, inputs=inputs, expected=expected,
    )
    write_plan(plan, out_dir)
    if not csim:
        return None
    log = run_csim(out_dir)
    predicted = np.loadtxt(out_dir / "build" / "predictions.txt", dtype=np.int64, ndmin=1)
    return CsimReport(
        images=len(predicted), source=source, finn_images=len(finn_pred),
        finn_agree=int((predicted[: len(finn_pred)] == finn_pred).sum()),
        model_agree=None if model_pred is None else int((predicted == model_pred).sum()), log=log,
    )


def build_board_project(
    dataflow_path: Path,
    *,
    board,
    out_dir: Path,
    arch=None,
    torch_model=None,
    csim: int = 0,
    fashion_mnist_dir: Path | None = None,
    dataset=None,
    class_names: tuple[str, ...] | None = None,
) -> CsimReport | None:
    """The whole project for a board in ``out_dir``: the HLS C++ in hls/ (C-simulated on ``csim``
    images as :func:`build_project` does), the Vitis HLS and Vivado scripts, the Makefile with its
    ``bitstream`` target, the README and the PYNQ driver."""
    from qonnx.core.modelwrapper import ModelWrapper

    from hwnas.codegen.overlay import driver_geometry, overlay_plan
    from hwnas.codegen.plan import write_plan

    report = build_project(
        dataflow_path, board=board, out_dir=out_dir / "hls", arch=arch, torch_model=torch_model, csim=csim,
        fashion_mnist_dir=fashion_mnist_dir, dataset=dataset,
    )
    geometry = driver_geometry(
        ModelWrapper(str(dataflow_path)), board=board,
        design=arch.name if arch is not None else dataflow_path.parent.name,
        raw_shape=tuple(arch.input.shape) if arch is not None else None, class_names=class_names,
    )
    write_plan(overlay_plan(board, geometry), out_dir)
    return report
