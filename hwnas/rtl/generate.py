"""Generate the RTL of a folded FINN dataflow graph: a plan of files, nothing written.

The graph is read as the HLS backend reads it (``hwnas.codegen.layers.read_layers``: one context per
kernel, one named stream between two kernels with the cost model's FIFO depth), so both backends
build the same network of kernels and streams. Each kernel call becomes a wrapper module
(``layers/<name>.sv``) that fixes the parameters of its node type's module in rtl_templates/kernels
(``hwnas.rtl.kinds.<type>`` names it and gives its parameters),
each inner stream a ``hwnas_fifo`` of its depth, and ``hwnas_dataflow.sv`` wires them up between one
input stream (the image words) and one output stream (the classes). ``hwnas_top.sv`` wraps that for
the board: AXI-Stream ports at AXI DMA widths and the batch-size register the PYNQ driver writes.
"""

from __future__ import annotations

import json

from hwnas.codegen.plan import Plan
from hwnas.errors import UserError
from hwnas.rtl.kinds import rtl_modules

DATAFLOW = "hwnas_dataflow"
TOP = "hwnas_top"


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
        kind = rtl_modules().get(layer["kind"])  # the node type's RTL kernel (hwnas.rtl.kinds.<type>)
        module = kind.MODULE if kind is not None else None
        if module is None or not (data_dir("rtl_templates") / "kernels" / f"{module}.sv").is_file():
            raise UserError(f"the RTL backend has no kernel for {layer['kind']} yet (node {layer['node']}); use --backend hls")
        parameters = kind.parameters(layer, files)
        widths = {s["name"]: s["width"] for s in streams}
        instance = dict(
            name=layer["name"], node=layer["node"], kind=layer["kind"], module=module,
            parameters=[(k, _parameter_literal(v)) for k, v in parameters.items()],
            inputs=[dict(stream=s, width=widths[s]) for s in layer["inputs"]],
            outputs=[dict(stream=s, width=widths[s]) for s in layer["outputs"]],
            fixed_inputs=getattr(kind, "FIXED_INPUTS", len(layer["inputs"])),
            packed_outputs=getattr(kind, "PACKED_OUTPUTS", False),
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
