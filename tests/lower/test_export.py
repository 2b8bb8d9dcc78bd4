"""The QONNX export: one self-contained file, no duplicated weights beside it."""

import pytest

from conftest import EXAMPLE_ARCHS

pytestmark = pytest.mark.slow


def test_export_writes_one_file_with_its_weights_inline(tmp_path):
    import onnx

    from hwnas.arch import load_arch
    from hwnas.lower.export import export_qonnx
    from hwnas.model import build_model

    arch = load_arch(next(p for p in EXAMPLE_ARCHS if p.stem == "tfc-w1a1"))
    export_qonnx(build_model(arch), arch, tmp_path / "model.qonnx.onnx")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.qonnx.onnx"]
    model = onnx.load(str(tmp_path / "model.qonnx.onnx"), load_external_data=False)
    weights = [t for t in model.graph.initializer if len(t.dims) == 2]
    assert len(weights) == 4  # TFC's four weight matrices
    assert all(t.data_location == onnx.TensorProto.DEFAULT and t.raw_data for t in weights)
