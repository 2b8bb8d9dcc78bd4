"""``linear``: a binary fully connected layer over the flattened input, then BatchNorm and sign;
the last one gives the logits."""

from __future__ import annotations

from dataclasses import dataclass

from hwnas.kinds.base import LayerBase, Port, single_input


@dataclass(frozen=True)
class Linear(LayerBase):
    out: int

    KIND = "linear"
    QUANTISES_FOR_ADD = True

    def infer(self, ins: list[Port], where: str) -> Port:
        single_input(ins, where)
        return Port((self.out,), 1)
