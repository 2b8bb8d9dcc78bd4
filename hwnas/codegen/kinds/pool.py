"""Code generation for the max-pool node (``hwnas.hw.pool``): FINN's ``Pool`` to ``hwnas::max_pool``."""

from __future__ import annotations

import numpy as np

from hwnas.codegen.kinds import elem
from hwnas.errors import UserError
from hwnas.hw.pool import KIND

FINN_OP = "Pool"
HEADER = "pool.hpp"
CALL = """\
        hwnas::max_pool<{{ layer.channels }}, {{ layer.pe }}, {{ layer.k2 }}, {{ layer.pixels }}, {{ layer.bits }}, {{ layer.signed | lower }}>(in0, out0);
"""


def read(model, node, inst) -> dict:
    if inst.get_nodeattr("Function") != "MaxPool":
        raise UserError(f"{node.name}: only max pooling is supported, found {inst.get_nodeattr('Function')}")
    k = inst.get_nodeattr("KernelSize")
    bits, signed = elem(inst.get_input_datatype())
    pixels = int(np.prod(inst.get_nodeattr("OutImgDims"))) * inst.get_nodeattr("BatchSize")
    pe = inst.get_nodeattr("PE")
    return dict(
        kind=KIND, channels=inst.get_nodeattr("Channels"), pe=pe, k2=int(np.prod(k)), pixels=pixels, bits=bits,
        signed=signed, in_width=pe * bits, out_width=pe * bits,
        out_words=pixels * (inst.get_nodeattr("Channels") // pe),
    )
