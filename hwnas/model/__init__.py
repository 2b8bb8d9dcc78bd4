"""The Brevitas model of a spec: build it, feed it, save and load it.

Everything here imports torch and brevitas lazily, so importing ``hwnas.model`` stays cheap.
"""

from hwnas.model.build import build_model
from hwnas.model.calibrate import calibrate_batchnorm, random_raw_inputs
from hwnas.model.checkpoint import load_checkpoint, save_checkpoint
from hwnas.model.inputs import prepare_input

__all__ = ["build_model", "calibrate_batchnorm", "random_raw_inputs", "prepare_input", "save_checkpoint", "load_checkpoint"]
