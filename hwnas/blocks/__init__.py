"""What the layer kinds build from outside the package, below the kinds in the layering: their
torch/Brevitas modules (``modules``: the sign, the binary weights, the add's grid, the graph network)
and the QONNX graph rewrites of -1/+1 values (``bipolar_fork``). Each imports only torch, Brevitas,
ONNX, QONNX and numpy, and nothing here imports them when the package is imported.
"""
