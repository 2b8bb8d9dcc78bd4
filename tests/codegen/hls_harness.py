"""Compile and run the kernel test harnesses in tests/csim_harness/ (one binary per configuration,
cached for the session)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np

from hwnas.codegen.csim import ap_types_include_dir, compile_cpp
from hwnas.codegen.packing import hex_word
from hwnas.resources import data_dir

HARNESS_DIR = Path(__file__).resolve().parent / "csim_harness"


class HarnessRunner:
    def __init__(self, build_dir: Path):
        self.build_dir = build_dir
        self._binaries: dict[tuple, Path] = {}

    def binary(self, name: str, defines: dict[str, int]) -> Path:
        key = (name, tuple(sorted(defines.items())))
        if key not in self._binaries:
            tag = "_".join(f"{k}{v}" for k, v in sorted(defines.items()))
            exe = self.build_dir / f"{name}_{tag}"
            compile_cpp(
                HARNESS_DIR / f"{name}.cpp",
                exe,
                include_dirs=[HARNESS_DIR, data_dir("hls_templates") / "kernels", ap_types_include_dir()],
                defines={f"CFG_{k}": v for k, v in defines.items()},
            )
            self._binaries[key] = exe
        return self._binaries[key]

    def run(self, name: str, defines: dict[str, int], tokens: list) -> list[int]:
        """Feed tokens (ints as decimal, words given as hex strings) and return the output words."""
        text = " ".join(str(t) for t in tokens)
        result = subprocess.run(
            [str(self.binary(name, defines))], input=text, capture_output=True, text=True, check=True
        )
        return [int(line, 16) for line in result.stdout.split()]


def hex_tokens(words) -> list[str]:
    return [hex_word(int(w)) for w in np.asarray(words, dtype=object).ravel()]


def vector_tokens(vec) -> list:
    """The harness's stdin for one case's vectors (tests/kernel_vectors.py): the weight words, the
    threshold table, the frame count, then frame after frame each input port's words of that frame."""
    tokens = []
    if "weight_words" in vec.tables:
        tokens += hex_tokens(vec.tables["weight_words"])
    if "threshold_table" in vec.tables:
        tokens += vec.tables["threshold_table"].ravel().tolist()
    tokens.append(vec.frames)
    for f in range(vec.frames):
        for words in vec.inputs.values():
            per_frame = len(words) // vec.frames
            tokens += hex_tokens(words[f * per_frame:(f + 1) * per_frame])
    return tokens


def run_vectors(runner: HarnessRunner, name: str, vec) -> dict[str, list[int]]:
    """Run the harness ``name`` on one case's vectors; its output words per port (a harness prints
    frame after frame each output port's words of that frame)."""
    words = runner.run(name, vec.hls_defines, vector_tokens(vec))
    outputs = {port: [] for port in vec.expected_words}
    at = 0
    for f in range(vec.frames):
        for port, expected in vec.expected_words.items():
            per_frame = len(expected) // vec.frames
            outputs[port] += words[at:at + per_frame]
            at += per_frame
    assert at == len(words), f"{name}: {len(words)} words out, {at} expected"
    return outputs


def counted_tokens(project) -> dict[str, tuple[int, int]]:
    """Each layer's (stream reads, stream writes) in a generated project's C-sim of its first test
    vector, from a build with -DHWNAS_COUNT_TOKENS (rebuilt, so an earlier plain build is not reused)."""
    one_image = (project / "data" / "inputs.txt").read_text().splitlines()[1]
    (project / "data" / "one.txt").write_text(f"1\n{one_image}\n")
    subprocess.run(["make", "build/csim", "-B", "CXXFLAGS=-std=c++14 -O1 -w -DHWNAS_COUNT_TOKENS"], cwd=project,
                   check=True, capture_output=True)
    ran = subprocess.run(["./build/csim", "data/one.txt", "build/one.txt"], cwd=project, check=True,
                         capture_output=True, text=True)
    counted = {}
    for line in ran.stderr.splitlines():
        _, layer, reads, writes = line.split()
        counted[layer] = (int(reads), int(writes))
    return counted
