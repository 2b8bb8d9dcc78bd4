"""Architecture specs: the YAML description of a binary network that every stage accepts."""

from hwnas.arch.spec import (
    Add,
    Arch,
    Conv,
    FlatInput,
    ImageInput,
    Linear,
    MaxPool,
    arch_from_dict,
    load_arch,
    save_arch,
)

__all__ = [
    "Add",
    "Arch",
    "Conv",
    "FlatInput",
    "ImageInput",
    "Linear",
    "MaxPool",
    "arch_from_dict",
    "load_arch",
    "save_arch",
]
