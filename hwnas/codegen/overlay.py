"""The board half of a project: Vitis HLS / Vivado scripts for a PYNQ overlay and the PYNQ driver.

Templates live in flows/ (vitis_hls/, vivado/<family>/, project/) and the driver's sources in
flows/pynq_driver/; this module builds their context from the board and the accelerator's stream
interface and returns a plan of files for the project folder (the HLS C++ sits in its hls/).
"""

from __future__ import annotations

import json
from pathlib import Path

from hwnas.codegen.generate import TOP
from hwnas.codegen.plan import Plan
from hwnas.errors import UserError

# Names other files rely on: the overlay's IP cell names are the driver's attribute names, and the
# Vitis HLS export is the IP repository the Vivado script reads.
IP_VENDOR, IP_LIBRARY, IP_VERSION = "hwnas.org", "hwnas", "1.0"
HLS_PROJECT, HLS_SOLUTION = "build/hls_ip", "solution1"
OVERLAY, OVERLAY_DIR = "hwnas", "driver"
ACCELERATOR_CELL, DMA_CELL = "accelerator", "dma"
# Vitis HLS's s_axilite map with ap_ctrl_hls: 0x00 control (bit 0 ap_start), 0x04-0x0c interrupt
# registers, then the first scalar argument.
CONTROL_REGISTER, IMAGES_REGISTER = 0x00, 0x10
DMA_MAX_TRANSFER_BYTES = (1 << 26) - 1  # c_sg_length_width = 26
DRIVER_FILES = ("hwnas_driver.py", "run.py")
# the driver reads labelled image folders and .npz files with hwnas's own reader, copied beside it
DRIVER_READER = "hwnas_files.py"
# hwnas binarises 1-bit inputs at the middle of the 8-bit range (hwnas.model.inputs)
BINARY_INPUT_TYPES = ("BIPOLAR", "BINARY")


def render_flow(template: str, context: dict) -> str:
    from hwnas.resources import code_templates, data_dir

    return code_templates(data_dir("flows")).get_template(template).render(**context)


def driver_geometry(
    model, *, design: str, board, raw_shape: tuple[int, ...] | None = None, binarise_at: int | None = None,
    class_names: tuple[str, ...] | None = None,
) -> dict:
    """accelerator.json: what the driver needs to pack images and unpack classes.

    ``raw_shape`` is the model's input shape, (C, H, W) or (F,); without it the graph's own input
    shape is used (NHWC graphs give (C, H, W)). ``class_names`` name the classes the driver prints
    (default: their numbers).
    """
    from hwnas.codegen.generate import stream_interface
    from hwnas.codegen.layers import read_layers
    from hwnas.model.inputs import BINARY_THRESHOLD

    layers, streams = read_layers(model)
    ports = stream_interface(model, streams)
    in_name = model.graph.input[0].name
    in_type = model.get_tensor_datatype(in_name).name
    graph_shape = tuple(model.get_tensor_shape(in_name))[1:]
    if in_type in BINARY_INPUT_TYPES:
        binarise_at = BINARY_THRESHOLD if binarise_at is None else binarise_at
    elif in_type != "UINT8":
        raise UserError(f"the driver packs 1-bit or 8-bit unsigned image inputs; the graph reads {in_type}")
    if raw_shape is None:
        raw_shape = (graph_shape[2], graph_shape[0], graph_shape[1]) if len(graph_shape) == 3 else graph_shape
    return {
        "design": design,
        "board": board.name,
        "clock_mhz": board.clock_mhz,
        "classes": layers[-1]["labels"],
        "class_names": list(class_names) if class_names else [str(i) for i in range(layers[-1]["labels"])],
        "input": {
            "raw_shape": list(raw_shape),
            "binarise_at": binarise_at if in_type in BINARY_INPUT_TYPES else None,
            "layout": "nhwc" if len(graph_shape) == 3 else "flat",
            "element_bits": ports["in_elem_bits"],
            "elements_per_word": ports["in_elems_per_word"],
            "words_per_image": ports["in_words"],
            "word_bits": ports["in_width"],
            "dma_word_bits": ports["dma_in_width"],
        },
        "output": {"class_bits": ports["out_width"], "dma_word_bits": ports["dma_out_width"]},
        "ip": {
            "accelerator": ACCELERATOR_CELL,
            "dma": DMA_CELL,
            "control_register": CONTROL_REGISTER,
            "images_register": IMAGES_REGISTER,
        },
        "bitfile": f"{OVERLAY}.bit",
    }


def flow_context(board, geometry: dict, *, rtl: bool = False) -> dict:
    """The context of every template in flows/: board facts, names, widths; ``rtl``: the accelerator
    is the RTL backend's (rtl/, a module reference in the block design) rather than an HLS IP."""
    inp, out = geometry["input"], geometry["output"]
    image_bytes = inp["words_per_image"] * inp["dma_word_bits"] // 8
    return dict(
        design=geometry["design"], board=board.name, board_description=board.description, part=board.part,
        family=board.family, board_part=board.vivado_board_part, clock_mhz=f"{board.clock_mhz:g}",
        clock_period_ns=f"{1000.0 / board.clock_mhz:g}", hp_width=board.axi_data_width, top=TOP,
        ip_vendor=IP_VENDOR, ip_library=IP_LIBRARY, ip_version=IP_VERSION,
        ip_vlnv=f"{IP_VENDOR}:{IP_LIBRARY}:{TOP}:{IP_VERSION}", hls_project=HLS_PROJECT,
        hls_solution=HLS_SOLUTION, ip_repo=f"{HLS_PROJECT}/{HLS_SOLUTION}/impl/ip",
        vivado_project="build/vivado", vivado_project_name=f"{OVERLAY}_overlay", bd_name=OVERLAY,
        overlay=OVERLAY, overlay_dir=OVERLAY_DIR, ps_name="ps", accel_name=ACCELERATOR_CELL, dma_name=DMA_CELL,
        dma_in_width=inp["dma_word_bits"], dma_out_width=out["dma_word_bits"],
        # the DMA's memory-mapped side is at least 32 bits wide
        dma_mm2s_mm_width=max(32, inp["dma_word_bits"]), dma_s2mm_mm_width=max(32, out["dma_word_bits"]),
        max_batch=DMA_MAX_TRANSFER_BYTES // image_bytes, words_per_image=inp["words_per_image"],
        in_width=inp["word_bits"], elements_per_word=inp["elements_per_word"], element_bits=inp["element_bits"],
        images_register_hex=f"0x{IMAGES_REGISTER:02x}", rtl=rtl,
    )


def overlay_plan(board, geometry: dict, *, rtl: bool = False) -> Plan:
    """Scripts, Makefile, README and driver of the project folder around hls/ (or rtl/)."""
    from hwnas.resources import data_dir

    context = flow_context(board, geometry, rtl=rtl)
    files = {
        "Makefile": render_flow("project/Makefile.j2", context),
        "README.md": render_flow("project/README.md.j2", context),
        "scripts/bitstream.tcl": render_flow("vivado/bitstream.tcl.j2", context),
        "scripts/block_design.tcl": render_flow(f"vivado/{board.family}/block_design.tcl.j2", context),
        f"{OVERLAY_DIR}/accelerator.json": json.dumps(geometry, indent=2) + "\n",
    }
    if not rtl:
        files["scripts/export_ip.tcl"] = render_flow("vitis_hls/export_ip.tcl.j2", context)
    for name in DRIVER_FILES:
        files[f"{OVERLAY_DIR}/{name}"] = (data_dir("flows") / "pynq_driver" / name).read_text()
    from hwnas.data import files as reader

    files[f"{OVERLAY_DIR}/{DRIVER_READER}"] = Path(reader.__file__).read_text()
    return Plan(files)
