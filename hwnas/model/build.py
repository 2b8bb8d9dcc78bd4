"""Build the Brevitas ``nn.Module`` of an :class:`~hwnas.arch.spec.Arch`.

The model computes exactly what the FINN hardware computes:

* its input is what the hardware reads (integer pixels 0..255 for ``bits: 8``, -1/+1 for ``bits: 1``);
  there is no quantiser on the input, the lowering annotates the input's data type instead, so FINN
  sees UINT8 or BIPOLAR pixels and puts no thresholding layer in front of the first MVAU;
* weights are binary (-1/+1, constant scale 1), so every accumulator is an integer;
* every hidden conv/linear layer is followed by BatchNorm and a binary sign (x >= 0 -> +1), which
  FINN streamlines into one integer threshold per channel; one that only feeds an add hands it its
  BatchNorm output rounded onto the add's signed integer grid instead (see ``hwnas.kinds.add``);
* a padded conv on a -1/+1 map pads with -1, the value the hardware's padding bit 0 encodes;
* the last linear layer's integer sums, times one learnable positive scalar (a softmax temperature
  for training), are the logits. A positive scalar keeps the order of the logits, so FINN absorbs
  it into its LabelSelect (TopK) and the hardware returns the same class.

Each layer kind builds its own block (``brevitas_module`` in ``hwnas.kinds``); the blocks are wired
as the spec's graph.
"""

from __future__ import annotations

from hwnas.arch.spec import Arch


def build_model(arch: Arch):
    """A freshly initialised ``torch.nn.Module`` for ``arch`` mapping model inputs to logits (N, classes)."""
    from hwnas.blocks.modules import GraphNet

    shapes = arch.shapes()
    last = len(shapes) - 1
    blocks = [shape.layer.brevitas_module(shape, last=shape.index == last) for shape in shapes]
    return GraphNet(blocks, [shape.sources for shape in shapes])
