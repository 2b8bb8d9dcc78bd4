"""StreamingFIFO nodes of the depths the cost model computes.

FINN sizes FIFOs only by RTL simulation or on a board (``InsertAndSetFIFODepths``, ``LIVE_FIFO``),
neither of which runs without AMD's tools; hwnas puts a ``StreamingFIFO_rtl`` in front of every
node input ``hwnas.cost.fifos`` gives a FIFO (each input of each join, and every stream that must
hold more than two words), with its depth and storage style, computed from the graph's own
folding. FINN's estimates of the result then count the same FIFOs the cost model counts, and code
generation sizes its streams from them.
"""

from __future__ import annotations


def insert_fifos(model, arch, board):
    """``model``: the folded, specialised dataflow graph of ``arch``; returns it with the FIFOs."""
    from onnx import helper
    from qonnx.custom_op.registry import getCustomOp

    from hwnas.cost import estimate, hardware_nodes
    from hwnas.cost.folding import Folding
    from hwnas.lower.folding import folding_config

    folding = Folding.from_finn_config(folding_config(model), hardware_nodes(arch), source="the folded graph")
    fifos = estimate(arch, folding, board).fifos
    graph = model.graph
    for fifo in fifos:
        index, consumer = next((i, n) for i, n in enumerate(graph.node) if n.name == fifo.consumer)
        tensor = consumer.input[fifo.port]
        if fifo.at_producer:  # in the producer's words (the generated design converts after it)
            writer = next(n for n in graph.node if n.name == fifo.producer)
            folded = getCustomOp(writer).get_folded_output_shape(list(writer.output).index(tensor))
        else:
            folded = getCustomOp(consumer).get_folded_input_shape(fifo.port)
        buffered = f"{tensor}_{fifo.name}"
        model.set_tensor_shape(buffered, model.get_tensor_shape(tensor))
        model.set_tensor_datatype(buffered, model.get_tensor_datatype(tensor))
        node = helper.make_node(
            fifo.op_type, [tensor], [buffered], name=fifo.name,
            domain="finn.custom_op.fpgadataflow.rtl", backend="fpgadataflow",
            depth=fifo.depth,
            folded_shape=list(folded),
            normal_shape=list(model.get_tensor_shape(tensor)),
            dataType=model.get_tensor_datatype(tensor).name,
            ram_style=fifo.ram_style,
        )
        consumer.input[fifo.port] = buffered
        graph.node.insert(index, node)
    return model
