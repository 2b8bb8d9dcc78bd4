"""Code generation: from the folded FINN dataflow graph to a self-contained HLS C++ project."""
