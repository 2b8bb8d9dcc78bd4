"""The RTL backend per node type: one module per ``hwnas.hw`` node type module, of the same name
(``hwnas.hw.KERNEL_MODULES`` is the registry), where the type has an RTL kernel:

- ``MODULE``: its kernel module in rtl_templates/kernels (which follows rtl_templates/README.md and
  takes the HLS template's parameters by the same names);
- ``parameters(layer, files) -> dict``: the module's parameters for one kernel call (its layer
  dict, ``hwnas.codegen.layers.read_layers``), adding any table it reads to ``files``;
- ``FIXED_INPUTS``: where the module's input ports are fixed in number (unused ones tied off);
- ``PACKED_OUTPUTS``: where its output streams are one packed port.

A node type without one is built by the HLS backend only.
"""

from __future__ import annotations

import importlib
from functools import lru_cache
from types import ModuleType

from hwnas.hw import kernel_modules


@lru_cache(maxsize=None)
def rtl_modules() -> dict[str, ModuleType]:
    """Each node type's RTL module by its kernel's kind, for the types that have one."""
    found = {}
    for kind, hw_module in kernel_modules().items():
        name = f"hwnas.rtl.kinds.{hw_module.__name__.rsplit('.', 1)[1]}"
        try:
            found[kind] = importlib.import_module(name)
        except ModuleNotFoundError as error:
            if error.name != name:
                raise
    return found


def flag(value) -> int:
    return 1 if value else 0
