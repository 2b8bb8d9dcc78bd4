"""Code generation per node type: one module per ``hwnas.hw`` node type module, of the same name
(``hwnas.hw.KERNEL_MODULES`` is the one registry), holding what the HLS project needs of it:

- ``FINN_OP``: the FINN op type it reads, without its ``_hls``/``_rtl`` suffix;
- ``read(model, node, inst) -> dict``: FINN's attributes to the kernel call's context (``kind``,
  its template arguments and parameter tables, ``in_width``/``out_width``, ``out_words``, and
  ``in_widths``/``branches`` where it joins or forks streams), for ``hwnas.codegen.layers``;
- ``HEADER``: its kernel header in ``hls_templates/kernels/``;
- ``CALL``: the Jinja text of its kernel call in the generated top (one image), and ``SETUP``
  where the layer's function declares something before the image loop (each ends in a newline);
- ``params(layer) -> str`` where its layer has a parameter header (``params/<layer>.h``).

The helpers below are the readers' shared ones.
"""

from __future__ import annotations

import importlib
from functools import lru_cache
from types import ModuleType

import numpy as np

from hwnas.errors import UserError
from hwnas.hw import KERNEL_MODULES

_SUFFIXES = ("_hls", "_rtl")


@lru_cache(maxsize=None)
def codegen_modules() -> dict[str, ModuleType]:
    """Each node type's codegen module, by its kernel's kind (the ``kind`` its reader gives)."""
    modules = (importlib.import_module(f"hwnas.codegen.kinds.{name}") for name in KERNEL_MODULES)
    return {module.KIND: module for module in modules}


@lru_cache(maxsize=None)
def readers() -> dict[str, ModuleType]:
    """Each node type's codegen module, by the FINN op type it reads (without a suffix)."""
    return {module.FINN_OP: module for module in codegen_modules().values()}


def base_op_type(op_type: str) -> str:
    for suffix in _SUFFIXES:
        if op_type.endswith(suffix):
            return op_type[: -len(suffix)]
    return op_type


def elem(dt) -> tuple[int, bool]:
    """Bits and signedness of a stream element; bipolar values travel as unsigned bits."""
    from qonnx.core.datatype import DataType

    if dt == DataType["BIPOLAR"]:
        return 1, False
    if not dt.is_integer():
        raise UserError(f"C++ generation supports integer streams only, found {dt.name}")
    return dt.bitwidth(), dt.signed()


def signed_bits(lo: int, hi: int) -> int:
    """Smallest two's-complement width holding every integer in [lo, hi]."""
    bits = 2
    while not (-(1 << (bits - 1)) <= lo and hi <= (1 << (bits - 1)) - 1):
        bits += 1
    return bits


def vectors(inst) -> int:
    return int(np.prod(inst.get_nodeattr("numInputVectors")))
