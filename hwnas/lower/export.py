"""Brevitas model -> cleaned-up QONNX file."""

from __future__ import annotations

from pathlib import Path

from hwnas.arch.spec import Arch


def export_qonnx(model, arch: Arch, path: Path):
    """Export ``model`` with Brevitas to QONNX at ``path``, clean it up with qonnx; return the ModelWrapper."""
    import torch
    from brevitas.export import export_qonnx as brevitas_export_qonnx
    from qonnx.core.modelwrapper import ModelWrapper
    from qonnx.util.cleanup import cleanup_model

    model.eval()
    example = torch.zeros((1, *arch.input.shape), dtype=torch.float32)
    # torch >= 2.9 exports through torch.export, which by default also writes every weight to
    # PATH.data; Brevitas then saves the model with its weights inline, leaving PATH.data a stale copy.
    brevitas_export_qonnx(model, input_t=example, export_path=str(path), external_data=False)
    wrapper = cleanup_model(ModelWrapper(str(path)))
    wrapper.save(str(path))
    return wrapper

