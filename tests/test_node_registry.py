"""The node type registry (``hwnas.hw.KERNEL_MODULES``): every type has its pieces where the stages
look for them, and no stage keeps a per-kind table or branch of its own (docs/layer-kinds.md)."""

from __future__ import annotations

import re

from hwnas.hw import KERNEL_MODULES, kernel_modules, node_classes
from hwnas.resources import data_dir


def test_every_node_type_has_its_hw_and_codegen_pieces():
    from hwnas.codegen.kinds import codegen_modules, readers

    kinds = kernel_modules()
    assert len(kinds) == len(KERNEL_MODULES)
    headers = data_dir("hls_templates") / "kernels"
    for kind, module in kinds.items():
        assert callable(module.schedule), kind
        assert module.NODE is None or callable(module.NODE.schedule_layer), kind
        codegen = codegen_modules()[kind]
        assert codegen.KIND == kind and callable(codegen.read) and codegen.CALL.endswith("\n"), kind
        assert (headers / codegen.HEADER).is_file(), kind
    assert len(readers()) == len(kinds)  # one FINN op type per node type
    assert len(node_classes()) == sum(module.NODE is not None for module in kinds.values())


def test_the_generated_top_names_no_kind():
    top = (data_dir("hls_templates") / "glue" / "top.cpp.j2").read_text()
    assert not re.search(r"layer\.kind\s*==", top)
