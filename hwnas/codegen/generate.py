"""Generate the HLS project of a folded FINN dataflow graph: a plan of files, nothing written."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from hwnas.codegen.kinds import codegen_modules
from hwnas.codegen.layers import read_layers
from hwnas.codegen.plan import Plan
from hwnas.codegen.render import render, render_text
from hwnas.errors import UserError

TOP = "hwnas_top"


def encode_inputs(images: np.ndarray, datatype_name: str) -> np.ndarray:
    """Model inputs (N, ...) in FINN's value domain -> the unsigned element codes the stream carries."""
    from qonnx.core.datatype import DataType

    dt = DataType[datatype_name]
    values = np.asarray(images).reshape(len(images), -1)
    if not ((values == np.round(values)).all() and values.min() >= dt.min() and values.max() <= dt.max()):
        raise ValueError(f"inputs are not all {datatype_name} values")
    if dt == DataType["BIPOLAR"]:
        return ((values + 1) // 2).astype(np.int64)
    return values.astype(np.int64) & ((1 << dt.bitwidth()) - 1)


def dma_width(bits: int) -> int:
    """The AXI-Stream width of AMD's AXI DMA that carries a ``bits``-wide stream word: the next
    power of two from 8 to 1024."""
    width = 8
    while width < bits:
        width *= 2
    if width > 1024:
        raise UserError(
            f"a {bits}-bit stream word is wider than the AXI DMA's 1024 bits; fold the first layer "
            "with a smaller SIMD"
        )
    return width


def stream_interface(model, streams: list[dict]) -> dict:
    """The accelerator's ports: input element and word widths, words per image, the output width,
    and the widths of the AXI DMA words that carry them."""
    in_name = model.graph.input[0].name
    in_dt = model.get_tensor_datatype(in_name)
    in_elem_bits = 1 if in_dt.name == "BIPOLAR" else in_dt.bitwidth()
    in_width, out_width = streams[0]["width"], streams[-1]["width"]
    return dict(
        in_width=in_width, in_elem_bits=in_elem_bits, in_elems_per_word=in_width // in_elem_bits,
        in_words=int(np.prod(model.get_tensor_shape(in_name))) * in_elem_bits // in_width, out_width=out_width,
        dma_in_width=dma_width(in_width), dma_out_width=dma_width(out_width),
    )


def generate(
    model,
    *,
    design: str,
    part: str,
    clock_mhz: float,
    hls_include: Path,
    source: str = "dataflow.onnx",
    inputs: np.ndarray | None = None,
    expected: np.ndarray | None = None,
) -> Plan:
    """The files of a self-contained HLS project for the folded dataflow ``model`` (a ModelWrapper).

    ``inputs`` (images in FINN's input value domain, NHWC) and ``expected`` (their classes) become
    the C-simulation data under data/.
    """
    from hwnas.resources import data_dir

    # each stream's depth is its StreamingFIFO's, as the cost model sized it (hwnas.cost.fifos)
    layers, streams = read_layers(model)
    widths = {s["name"]: s["width"] for s in streams}
    for layer in layers:
        layer["ports"] = [dict(param=f"in{k}", width=widths[name]) for k, name in enumerate(layer["inputs"])]
        layer["ports"] += [dict(param=f"out{k}", width=widths[name]) for k, name in enumerate(layer["outputs"])]
        kind = codegen_modules()[layer["kind"]]
        layer["has_params"] = hasattr(kind, "params")
        # each node type's code in the top (hwnas.codegen.kinds.<type>): before the image loop, and its call
        layer["setup"] = render_text(getattr(kind, "SETUP", ""), dict(layer=layer))
        layer["call"] = render_text(kind.CALL, dict(layer=layer))
    inner_streams = streams[1:-1]

    interface = stream_interface(model, streams)
    in_dt = model.get_tensor_datatype(model.graph.input[0].name)
    context = dict(
        design=design, top=TOP, source=source, layers=layers, inner_streams=inner_streams,
        kernel_headers=sorted({codegen_modules()[layer["kind"]].HEADER for layer in layers}), **interface, part=part,
        clock_period_ns=f"{1000.0 / clock_mhz:g}", hls_include=str(hls_include), has_expected=expected is not None,
    )

    files = {
        f"{TOP}.h": render("top.h.j2", context),
        f"{TOP}.cpp": render("top.cpp.j2", context),
        "testbench.cpp": render("testbench.cpp.j2", context),
        "Makefile": render("Makefile.j2", context),
        "csynth.tcl": render("csynth.tcl.j2", context),
    }
    kernels = data_dir("hls_templates") / "kernels"
    for header in ["hwnas_common.hpp", "hwnas_axis.hpp"] + context["kernel_headers"]:
        files[f"kernels/{header}"] = (kernels / header).read_text()
    for layer in layers:
        if layer["has_params"]:
            files[f"params/{layer['name']}.h"] = codegen_modules()[layer["kind"]].params(layer)
    if inputs is not None:
        codes = encode_inputs(inputs, in_dt.name)
        elements = interface["in_words"] * interface["in_elems_per_word"]
        if codes.shape[1] != elements:
            raise ValueError(f"an image has {codes.shape[1]} elements, the design reads {elements}")
        files["data/inputs.txt"] = f"{len(codes)}\n" + "".join(" ".join(map(str, row)) + "\n" for row in codes)
    if expected is not None:
        files["data/expected.txt"] = "".join(f"{int(c)}\n" for c in np.asarray(expected).ravel())
    return Plan(files)
