"""Generate the RTL of a folded FINN dataflow graph: a plan of files, nothing written.

The graph is read as the HLS backend reads it (``hwnas.codegen.layers.read_layers``: one context per
kernel, one named stream between two kernels with the cost model's FIFO depth), so both backends
build the same network of kernels and streams. Each kernel call becomes a wrapper module
(``layers/<name>.sv``) that fixes the parameters of its node type's module in rtl_templates/kernels,
each inner stream a ``hwnas_fifo`` of its depth, and ``hwnas_dataflow.sv`` wires them up between one
input stream (the image words) and one output stream (the classes). ``hwnas_top.sv`` wraps that for
the board: AXI-Stream ports at AXI DMA widths and the batch-size register the PYNQ driver writes.
"""

from __future__ import annotations

import json

import numpy as np

from hwnas.codegen.plan import Plan
from hwnas.errors import UserError

DATAFLOW = "hwnas_dataflow"
TOP = "hwnas_top"


def _flag(value) -> int:
    return 1 if value else 0


def _mvau(layer: dict, files: dict) -> dict:
    from hwnas.rtl.memfiles import threshold_file, weight_file

    weights = f"{layer['name']}_weights.mem"
    files[weights] = weight_file(np.array(layer["weight_words"], dtype=object), simd=layer["simd"])
    thresholds = f"{layer['name']}_thresholds.mem"
    steps = 0
    if layer["thresholds"] is not None:
        steps = layer["steps"]
        files[thresholds] = threshold_file(np.array(layer["thresholds"], dtype=object), bits=layer["acc_bits"])
    return dict(
        MW=layer["mw"], MH=layer["mh"], PE=layer["pe"], SIMD=layer["simd"], NUM_VECS=layer["vectors"],
        IN_BITS=layer["in_bits"], IN_SIGNED=_flag(layer["in_signed"]), XNOR=_flag(layer["xnor"]),
        OUT_BITS=layer["out_bits"], ACC_BITS=layer["acc_bits"], NT=steps, BIAS=layer.get("bias", 0),
        WEIGHT_FILE=weights, THRESHOLD_FILE=thresholds if steps else "",
    )


def _thresholding(layer: dict, files: dict) -> dict:
    from hwnas.rtl.memfiles import threshold_file

    path = f"{layer['name']}_thresholds.mem"
    files[path] = threshold_file(np.array(layer["thresholds"], dtype=object), bits=layer["thr_bits"])
    return dict(
        CHANNELS=layer["channels"], PE=layer["pe"], NUM_VECS=layer["vectors"], IN_BITS=layer["in_bits"],
        IN_SIGNED=_flag(layer["in_signed"]), NT=layer["steps"], OUT_BITS=layer["out_bits"], BIAS=layer["bias"],
        THR_BITS=layer["thr_bits"], THRESHOLD_FILE=path,
    )


def _swg(layer: dict, files: dict) -> dict:
    return dict(
        CH=layer["channels"], IFM_H=layer["ifm_h"], IFM_W=layer["ifm_w"], OFM_H=layer["ofm_h"], OFM_W=layer["ofm_w"],
        K_H=layer["k_h"], K_W=layer["k_w"], STRIDE_H=layer["s_h"], STRIDE_W=layer["s_w"], DIL_H=layer["d_h"],
        DIL_W=layer["d_w"], SIMD=layer["simd"], BITS=layer["bits"],
        GROUP=layer["k_h"] * layer["k_w"] if layer["parallel"] else 1,
    )


def _pool(layer: dict, files: dict) -> dict:
    return dict(
        CH=layer["channels"], PE=layer["pe"], K2=layer["k2"], NUM_PIXELS=layer["pixels"], BITS=layer["bits"],
        SIGNED=_flag(layer["signed"]),
    )


def _fmpadding(layer: dict, files: dict) -> dict:
    return dict(
        IN_H=layer["in_h"], IN_W=layer["in_w"], PAD_TOP=layer["top"], PAD_LEFT=layer["left"], PAD_BOTTOM=layer["bottom"],
        PAD_RIGHT=layer["right"], CH=layer["channels"], SIMD=layer["simd"], BITS=layer["bits"],
    )


def _labelselect(layer: dict, files: dict) -> dict:
    return dict(
        LABELS=layer["labels"], PE=layer["pe"], BITS=layer["bits"], SIGNED=_flag(layer["signed"]),
        OUT_BITS=layer["out_bits"],
    )


def _dwc(layer: dict, files: dict) -> dict:
    return dict(IN_W=layer["in_width"], OUT_W=layer["out_width"], IN_WORDS=layer["in_words"])


def _duplicate(layer: dict, files: dict) -> dict:
    return dict(WIDTH=layer["in_width"], WORDS=layer["out_words"], BRANCHES=layer["branches"])


def _add(layer: dict, files: dict) -> dict:
    return dict(
        PE=layer["pe"], WORDS=layer["words"], LHS_BITS=layer["lhs_bits"], LHS_SIGNED=_flag(layer["lhs_signed"]),
        RHS_BITS=layer["rhs_bits"], RHS_SIGNED=_flag(layer["rhs_signed"]), OUT_BITS=layer["out_bits"],
    )


def _concat(layer: dict, files: dict) -> dict:
    ins = layer["ins"] + [dict(channels=0, bits=1, signed=False)] * (3 - len(layer["ins"]))
    parameters = dict(NUM_VECS=layer["vectors"], SIMD=layer["simd"], N_INPUTS=len(layer["ins"]))
    for k, port in enumerate(ins):
        parameters |= {f"C{k}": port["channels"], f"IN{k}_BITS": port["bits"], f"IN{k}_SIGNED": _flag(port["signed"])}
    return parameters | dict(OUT_BITS=layer["out_bits"])


# node type -> (module in rtl_templates/kernels, parameters of one kernel call); the kernel modules
# follow rtl_templates/README.md and take the HLS templates' parameters by the same names
KERNELS = {
    "mvau": ("hwnas_mvau", _mvau),
    "thresholding": ("hwnas_thresholding", _thresholding),
    "swg": ("hwnas_swg", _swg),
    "pool": ("hwnas_pool", _pool),
    "fmpadding": ("hwnas_fmpadding", _fmpadding),
    "labelselect": ("hwnas_labelselect", _labelselect),
    "dwc": ("hwnas_dwc", _dwc),
    "duplicate": ("hwnas_duplicate", _duplicate),
    "add": ("hwnas_add", _add),
    "concat": ("hwnas_concat", _concat),
}
# kernels whose input ports are fixed in number, with unused ones tied off
_FIXED_INPUTS = {"hwnas_concat": 3}


def _parameter_literal(value) -> str:
    return f'"{value}"' if isinstance(value, str) else str(int(value))


def generate_rtl(model, *, design: str, source: str = "dataflow.onnx", depths: dict[str, int] | None = None) -> Plan:
    """The RTL files of the folded dataflow ``model`` (a ModelWrapper), paths relative to the RTL
    folder: kernels/, layers/, the tables (*.mem), hwnas_dataflow.sv, hwnas_top.v and sources.f (the
    compile order), fifos/ (a wrapper per stream FIFO) and nodes.json (every node module with the FINN
nodes it implements, for the synthesis report). The tables sit at the folder's top, named without a
folder in $readmemh: Verilator and Yosys run there, and Vivado finds a .mem file added to its project
by name.

``depths`` overrides the FIFO depth of streams by name (``read_layers``'s stream names, s1, s2, ...;
the inner streams only, those with a FIFO), as ``hwnas.sim.simulate_layers`` does: to see in
Verilator what a FIFO cut shallower than the cost model's depth does to the design (a deadlock, a
slowdown). Every other stream keeps the depth of the graph's StreamingFIFO nodes."""
    from hwnas.codegen.generate import stream_interface
    from hwnas.codegen.layers import read_layers
    from hwnas.resources import data_dir
    from hwnas.rtl.render import render_rtl

    layers, streams = read_layers(model)
    if depths:
        inner = {s["name"] for s in streams[1:-1]}
        unknown = sorted(set(depths) - inner)
        if unknown:
            raise ValueError(f"no inner stream named {', '.join(unknown)}; the FIFO streams are {', '.join(sorted(inner))}")
        if any(int(d) < 2 for d in depths.values()):
            raise ValueError(f"a FIFO depth is at least 2: {depths}")
        streams = [s | dict(depth=int(depths[s["name"]])) if s["name"] in depths else s for s in streams]
    files: dict[str, str] = {}
    instances = []
    for layer in layers:
        module, parameters_of = KERNELS.get(layer["kind"], (None, None))
        if module is None or not (data_dir("rtl_templates") / "kernels" / f"{module}.sv").is_file():
            raise UserError(f"the RTL backend has no kernel for {layer['kind']} yet (node {layer['node']}); use --backend hls")
        parameters = parameters_of(layer, files)
        widths = {s["name"]: s["width"] for s in streams}
        instance = dict(
            name=layer["name"], node=layer["node"], kind=layer["kind"], module=module,
            parameters=[(k, _parameter_literal(v)) for k, v in parameters.items()],
            inputs=[dict(stream=s, width=widths[s]) for s in layer["inputs"]],
            outputs=[dict(stream=s, width=widths[s]) for s in layer["outputs"]],
            fixed_inputs=_FIXED_INPUTS.get(module, len(layer["inputs"])),
            packed_outputs=layer["kind"] == "duplicate",
        )
        instances.append(instance)
        files[f"layers/{layer['name']}.sv"] = render_rtl("glue/layer.sv.j2", dict(layer=instance, design=design))
    nodes = [dict(name=i["name"], module=i["name"], kind=i["kind"], finn_nodes=[i["node"]]) for i in instances]
    for stream in streams[1:-1]:
        name = f"fifo_{stream['name']}"
        files[f"fifos/{name}.sv"] = render_rtl("glue/fifo.sv.j2", dict(name=name, stream=stream, design=design))
        nodes.append(dict(name=name, module=name, kind="fifo", finn_nodes=list(stream["fifo_nodes"]), depth=stream["depth"], width=stream["width"]))
    files["nodes.json"] = json.dumps(nodes, indent=1) + "\n"
    interface = stream_interface(model, streams)
    context = dict(
        design=design, source=source, dataflow=DATAFLOW, top=TOP, layers=instances, inner_streams=streams[1:-1],
        in_stream=streams[0], out_stream=streams[-1], **interface,
    )
    files[f"{DATAFLOW}.sv"] = render_rtl("glue/dataflow.sv.j2", context)
    files[f"{TOP}.v"] = render_rtl("glue/top.v.j2", context)
    kernels = sorted({"hwnas_fifo", *(i["module"] for i in instances)})
    for module in kernels:
        files[f"kernels/{module}.sv"] = (data_dir("rtl_templates") / "kernels" / f"{module}.sv").read_text()
    order = [f"kernels/{m}.sv" for m in kernels] + [f"layers/{i['name']}.sv" for i in instances]
    order += [f"fifos/fifo_{s['name']}.sv" for s in streams[1:-1]]
    order += [f"{DATAFLOW}.sv", f"{TOP}.v"]
    files["sources.f"] = "".join(f"{path}\n" for path in order)
    return Plan(files)
