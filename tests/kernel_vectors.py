"""The test vectors of every kernel kind, built once per case and shared by both backends' kernel
tests: the HLS kernels under g++ (tests/codegen/test_hls_kernels.py) and the RTL kernels under
Verilator (tests/rtl/test_rtl_<kind>.py).

A case is a kind and an id. Its vectors are the random inputs (seeded from the case), FINN's own
Python execution of the matching hardware node on them, the tables (weights, thresholds), the input
words per port and the expected output words per port, and the kernel parameters each backend
needs. ``vectors(kind, case_id)`` builds them once per session, so the same case id feeds the same
words to both backends and expects the same words back; ``cases(kind, backend)`` lists the ids
that backend's test runs (a backend skips a case whose shape its harness or kernel does not take,
or that would only add a build).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from types import SimpleNamespace

import numpy as np
import pytest

from hwnas.codegen.layers import signed_bits
from hwnas.codegen.packing import pack_words, unpack_words
from hwnas.codegen.params import mvau_weight_words, threshold_table
from hwnas.hw.mvau import accumulator_range

FINN_DOMAIN = "finn.custom_op.fpgadataflow"
HLS, RTL = "hls", "rtl"
BOTH = (HLS, RTL)


def finn_execute(op_type: str, attrs: dict, inputs: dict[str, np.ndarray], out_shape: tuple) -> np.ndarray:
    """Run FINN's execute_node of one hardware op on the given inputs."""
    from onnx import helper
    from qonnx.custom_op.registry import getCustomOp

    node = helper.make_node(op_type, list(inputs), ["out"], domain=FINN_DOMAIN, **attrs)
    context = {name: value.astype(np.float32) for name, value in inputs.items()}
    context["out"] = np.zeros(out_shape, dtype=np.float32)
    getCustomOp(node).execute_node(context, None)
    return context["out"]


@dataclass(frozen=True)
class Case:
    id: str
    values: tuple  # the case's parameters, in the order of its kind's PARAMS
    backends: tuple[str, ...] = BOTH


@dataclass
class KernelVectors:
    kind: str
    case_id: str
    p: SimpleNamespace  # the case's parameters and the sizes derived from them
    frames: int
    inputs: dict[str, list[int]]  # per input port, every frame's words, frame after frame
    expected: dict[str, np.ndarray]  # per output port, FINN's values (frames first)
    expected_words: dict[str, list[int]]  # the same, packed as the port carries them
    # per output port, how its words unpack: (elements a word, bits an element, signed); None: words only
    lanes: dict[str, tuple[int, int, bool] | None]
    hls_defines: dict[str, int]
    rtl_parameters: dict[str, int]
    tables: dict[str, np.ndarray] = field(default_factory=dict)  # weights, thresholds, their words and table
    rtl_tables: dict[str, str] = field(default_factory=dict)  # RTL parameter -> its $readmemh file's text


def _words(values: np.ndarray, lanes: int, bits: int) -> list[int]:
    return pack_words(np.asarray(values).reshape(-1, lanes), bits)


def _one_output(expected: np.ndarray, lanes: int, bits: int, signed: bool) -> dict:
    return dict(
        expected={"out0": expected}, expected_words={"out0": _words(expected, lanes, bits)},
        lanes={"out0": (lanes, bits, signed)},
    )


# ---------------------------------------------------------------- MVAU

MVAU_PARAMS = "mw,mh,pe,simd,vecs,mode,in_bits,signed,nt,out_bits,bias_kind"
MVAU_CASES = [
    Case("xnor-pe1-simd1", (12, 8, 1, 1, 3, "xnor", 1, False, 1, 1, "bipolar")),
    Case("xnor-full", (12, 8, 8, 12, 3, "xnor", 1, False, 1, 1, "bipolar")),
    Case("xnor-pe2-simd3", (12, 8, 2, 3, 3, "xnor", 1, False, 1, 1, "bipolar"), (HLS,)),
    Case("xnor-odd", (15, 9, 3, 5, 2, "xnor", 1, False, 1, 1, "bipolar")),
    Case("xnor-simd-over-64-bits", (70, 6, 2, 70, 1, "xnor", 1, False, 1, 1, "bipolar")),
    Case("xnor-noactivation", (12, 10, 5, 4, 2, "xnor", 1, False, 0, 8, "none")),
    Case("xnor-multithreshold", (12, 8, 4, 6, 2, "xnor", 1, False, 3, 3, "actval")),
    Case("uint8-pe1-simd1", (27, 16, 1, 1, 2, "quant", 8, False, 1, 1, "bipolar"), (HLS,)),
    Case("uint8-full", (27, 16, 16, 27, 2, "quant", 8, False, 1, 1, "bipolar"), (HLS,)),
    Case("uint8-pe4-simd9", (27, 16, 4, 9, 2, "quant", 8, False, 1, 1, "bipolar")),
    Case("int4-noactivation", (18, 6, 3, 2, 2, "quant", 4, True, 0, 10, "none")),
]


def _mvau(p: SimpleNamespace) -> dict:
    from hwnas.rtl.memfiles import threshold_file, weight_file

    rng = np.random.default_rng(p.mw * 1000 + p.mh * 10 + p.pe)
    xnor = p.mode == "xnor"
    frames = 6  # enough output words for the RTL's random back-pressure to fill its skid register often
    weights = rng.integers(0, 2, size=(p.mw, p.mh)) if xnor else rng.choice([-1, 1], size=(p.mw, p.mh))
    if xnor:
        x = rng.integers(0, 2, size=(frames, p.vecs, p.mw))
        in_dt, largest = "BINARY", 1
    else:
        lo, hi = (-(1 << (p.in_bits - 1)), 1 << (p.in_bits - 1)) if p.signed else (0, 1 << p.in_bits)
        x = rng.integers(lo, hi, size=(frames, p.vecs, p.mw))
        in_dt, largest = f"{'INT' if p.signed else 'UINT'}{p.in_bits}", max(-lo, hi - 1)
    acc_lo, acc_hi = accumulator_range(p.mw, xnor=xnor, largest_input=largest)
    acc_bits = signed_bits(acc_lo, acc_hi + 1)
    thr_range = (0, p.mw + 1) if xnor else (-p.mw * 40, p.mw * 40)
    thresholds = np.sort(rng.integers(*thr_range, size=(p.mh, max(p.nt, 1))), axis=1)
    out_dt = {"bipolar": "BIPOLAR", "actval": "INT3", "none": f"INT{p.out_bits}"}[p.bias_kind]
    act_val = -1 if p.bias_kind == "actval" else 0
    attrs = dict(
        MW=p.mw, MH=p.mh, PE=p.pe, SIMD=p.simd, inputDataType=in_dt, weightDataType="BINARY" if xnor else "BIPOLAR",
        outputDataType=out_dt, binaryXnorMode=int(xnor), noActivation=int(p.nt == 0), ActVal=act_val,
        numInputVectors=[p.vecs],
    )
    expected = []
    for frame in x:
        inputs = {"in": frame.reshape(1, p.vecs, p.mw), "w": weights}
        if p.nt:
            inputs["thr"] = thresholds
        expected.append(finn_execute("MVAU", attrs, inputs, (1, p.vecs, p.mh)).reshape(p.vecs, p.mh))
    expected = np.array(expected)
    if p.bias_kind == "bipolar":
        expected = (expected + 1) // 2  # the stream carries bipolar values as bits

    weight_words = mvau_weight_words(weights, pe=p.pe, simd=p.simd, bipolar=not xnor)
    tables = dict(weights=weights, thresholds=thresholds, weight_words=weight_words)
    rtl_tables = {"WEIGHT_FILE": weight_file(weight_words, simd=p.simd)}
    if p.nt:
        # thresholds beyond the accumulator's range clipped like codegen/layers.py does
        tables["threshold_table"] = np.clip(threshold_table(thresholds, channels=p.mh, pe=p.pe), acc_lo, acc_hi + 1)
        rtl_tables["THRESHOLD_FILE"] = threshold_file(tables["threshold_table"], bits=acc_bits)
    defines = dict(
        MW=p.mw, MH=p.mh, SIMD=p.simd, PE=p.pe, NUM_VECS=p.vecs, IN_BITS=p.in_bits, IN_SIGNED=int(p.signed),
        XNOR=int(xnor), OUT_BITS=p.out_bits, NT=p.nt, BIAS=act_val,
    )
    p.sf, p.nf = p.mw // p.simd, p.mh // p.pe
    return dict(
        frames=frames, inputs={"in0": _words(x, p.simd, p.in_bits)},
        **_one_output(expected, p.pe, p.out_bits, p.bias_kind != "bipolar"),
        hls_defines=defines, rtl_parameters=dict(defines, ACC_BITS=acc_bits), tables=tables, rtl_tables=rtl_tables,
    )


# ---------------------------------------------------------------- Thresholding

THRESHOLDING_PARAMS = "channels,pe,vecs,in_type,nt,out_type,act_val"
THRESHOLDING_CASES = [
    Case("int8-pe1", (6, 1, 5, "INT8", 3, "UINT2", 0)),
    Case("int8-pe2", (6, 2, 5, "INT8", 3, "UINT2", 0)),
    Case("int8-full", (6, 6, 5, "INT8", 3, "UINT2", 0)),
    Case("uint4-actval", (12, 4, 3, "UINT4", 7, "INT3", -4), (RTL,)),
    Case("int3-bipolar", (10, 5, 4, "INT3", 1, "BIPOLAR", 0), (RTL,)),
]


def _thresholding(p: SimpleNamespace) -> dict:
    from qonnx.core.datatype import DataType

    from hwnas.rtl.memfiles import threshold_file

    rng = np.random.default_rng(p.channels * 10 + p.pe)
    frames = 6
    in_dt, out_dt = DataType[p.in_type], DataType[p.out_type]
    lo, hi = int(in_dt.min()), int(in_dt.max())
    x = rng.integers(lo, hi + 1, size=(frames, p.vecs, p.channels))
    # thresholds a little beyond the input range too: clipped like codegen/layers.py does
    thresholds = np.sort(rng.integers(lo - 2, hi + 3, size=(p.channels, p.nt)), axis=1)
    attrs = dict(
        NumChannels=p.channels, PE=p.pe, numSteps=p.nt, inputDataType=p.in_type, weightDataType=p.in_type,
        outputDataType=p.out_type, ActVal=p.act_val, numInputVectors=[p.vecs],
    )
    expected = np.array([
        finn_execute("Thresholding", attrs, {"in": f[None], "thr": thresholds}, (1, p.vecs, p.channels))[0]
        for f in x
    ])
    if p.out_type == "BIPOLAR":
        expected = (expected + 1) // 2  # the stream carries bipolar values as bits
    out_bits = out_dt.bitwidth()
    thr_bits = signed_bits(lo, hi + 1)
    table = np.clip(threshold_table(thresholds, channels=p.channels, pe=p.pe), lo, hi + 1)
    common = dict(PE=p.pe, NUM_VECS=p.vecs, IN_BITS=in_dt.bitwidth(), IN_SIGNED=int(in_dt.signed()), NT=p.nt,
                  OUT_BITS=out_bits, BIAS=p.act_val)
    return dict(
        frames=frames, inputs={"in0": _words(x, p.pe, in_dt.bitwidth())},
        **_one_output(expected, p.pe, out_bits, out_dt.signed() and p.out_type != "BIPOLAR"),
        hls_defines=dict(C=p.channels, **common), rtl_parameters=dict(CHANNELS=p.channels, THR_BITS=thr_bits, **common),
        tables=dict(thresholds=thresholds, threshold_table=table),
        rtl_tables={"THRESHOLD_FILE": threshold_file(table, bits=thr_bits)},
    )


# ---------------------------------------------------------------- Sliding window

SWG_PARAMS = "ch,ifm_h,ifm_w,k_h,k_w,stride,dil,simd,bits,parallel"
SWG_CASES = [
    Case("k3s1-simd1", (4, 7, 7, 3, 3, 1, 1, 1, 1, 0)),
    Case("k3s1-simd2", (4, 7, 7, 3, 3, 1, 1, 2, 1, 0)),
    Case("k3s1-full", (4, 7, 7, 3, 3, 1, 1, 4, 1, 0), (HLS,)),
    Case("k3s2-uint8-unused-edge", (3, 8, 9, 3, 3, 2, 1, 3, 8, 0)),
    Case("k2x3-dilation2", (2, 9, 10, 2, 3, 1, 2, 1, 2, 0)),
    Case("k2s2-pool-shape", (6, 8, 8, 2, 2, 2, 1, 3, 1, 0), (HLS,)),
    Case("window-is-image", (2, 3, 3, 3, 3, 1, 1, 2, 1, 0)),
    Case("parallel-k3s1", (4, 7, 7, 3, 3, 1, 1, 4, 1, 1)),
    Case("parallel-uint8-one-channel", (1, 8, 8, 3, 3, 1, 1, 1, 8, 1), (HLS,)),
    Case("parallel-k3s2-unused-edge", (3, 8, 9, 3, 3, 2, 1, 3, 8, 1), (HLS,)),
    Case("parallel-k2x3-dilation2", (2, 9, 10, 2, 3, 1, 2, 2, 2, 1)),
    Case("parallel-depthwise-simd3", (6, 8, 8, 2, 2, 2, 1, 3, 1, 1)),
]


def _swg(p: SimpleNamespace) -> dict:
    rng = np.random.default_rng(p.ch * p.ifm_h + p.k_w)
    p.ofm_h = (p.ifm_h - (p.k_h - 1) * p.dil - 1) // p.stride + 1
    p.ofm_w = (p.ifm_w - (p.k_w - 1) * p.dil - 1) // p.stride + 1
    frames = 3
    x = rng.integers(0, 1 << p.bits, size=(frames, p.ifm_h, p.ifm_w, p.ch))
    attrs = dict(
        ConvKernelDim=[p.k_h, p.k_w], IFMChannels=p.ch, IFMDim=[p.ifm_h, p.ifm_w], OFMDim=[p.ofm_h, p.ofm_w],
        SIMD=p.simd, Stride=[p.stride, p.stride], Dilation=[p.dil, p.dil], inputDataType=f"UINT{p.bits}",
        outputDataType=f"UINT{p.bits}",
    )
    out_shape = (1, p.ofm_h, p.ofm_w, p.k_h * p.k_w * p.ch)
    expected = np.array([finn_execute("ConvolutionInputGenerator", attrs, {"in": f[None]}, out_shape) for f in x])
    p.group = p.k_h * p.k_w if p.parallel else 1
    defines = dict(
        CH=p.ch, IFM_H=p.ifm_h, IFM_W=p.ifm_w, OFM_H=p.ofm_h, OFM_W=p.ofm_w, K_H=p.k_h, K_W=p.k_w, STRIDE_H=p.stride,
        STRIDE_W=p.stride, DIL_H=p.dil, DIL_W=p.dil, SIMD=p.simd, BITS=p.bits, GROUP=p.group,
    )
    out_elements = p.group * p.simd
    p.out_words = p.ofm_h * p.ofm_w * p.k_h * p.k_w * p.ch // out_elements  # per frame
    p.in_words = p.ifm_h * p.ifm_w * p.ch // p.simd  # per frame
    return dict(
        frames=frames, inputs={"in0": _words(x, p.simd, p.bits)}, **_one_output(expected, out_elements, p.bits, False),
        hls_defines=defines, rtl_parameters=defines,
    )


# ---------------------------------------------------------------- Padding

FMPADDING_PARAMS = "ch,h,w,pads,simd,bits"
FMPADDING_CASES = [
    Case("simd1", (4, 3, 5, (1, 1, 1, 1), 1, 2)),
    Case("uneven-pads-simd2", (4, 3, 5, (2, 0, 1, 3), 2, 2)),
    Case("full-simd", (6, 4, 2, (0, 2, 3, 0), 6, 3), (RTL,)),
]


def _fmpadding(p: SimpleNamespace) -> dict:
    rng = np.random.default_rng(p.simd + p.bits)
    frames = 3
    top, left, bottom, right = p.pads
    x = rng.integers(1, 1 << p.bits, size=(frames, p.h, p.w, p.ch))  # no zeros: a padded word is told apart
    out_shape = (1, p.h + top + bottom, p.w + left + right, p.ch)
    attrs = dict(ImgDim=[p.h, p.w], Padding=[top, left, bottom, right], NumChannels=p.ch, SIMD=p.simd,
                 inputDataType=f"UINT{p.bits}")
    expected = np.array([finn_execute("FMPadding", attrs, {"in": f[None]}, out_shape) for f in x])
    defines = dict(IN_H=p.h, IN_W=p.w, PAD_TOP=top, PAD_LEFT=left, PAD_BOTTOM=bottom, PAD_RIGHT=right, CH=p.ch,
                   SIMD=p.simd, BITS=p.bits)
    return dict(
        frames=frames, inputs={"in0": _words(x, p.simd, p.bits)}, **_one_output(expected, p.simd, p.bits, False),
        hls_defines=defines, rtl_parameters=defines,
    )


# ---------------------------------------------------------------- Max pool

POOL_PARAMS = "pe,bits,signed"
POOL_CASES = [
    Case("pe1", (1, 1, False)),
    Case("pe3", (3, 1, False), (HLS,)),
    Case("full", (6, 1, False)),
    Case("int4-pe2", (2, 4, True)),
]


def _pool(p: SimpleNamespace) -> dict:
    rng = np.random.default_rng(p.pe + p.bits)
    p.ch, p.k2, p.pixels = 6, 4, 5
    frames = 3
    lo, hi = (-(1 << (p.bits - 1)), 1 << (p.bits - 1)) if p.signed else (0, 1 << p.bits)
    x = rng.integers(lo, hi, size=(frames, p.pixels, p.k2 * p.ch))
    dt = f"INT{p.bits}" if p.signed else ("BINARY" if p.bits == 1 else f"UINT{p.bits}")
    attrs = dict(Channels=p.ch, PE=p.pe, KernelSize=[2, 2], Function="MaxPool", OutImgDims=[1, p.pixels],
                 InputDataType=dt, OutputDataType=dt)
    expected = np.array([
        finn_execute("Pool", attrs, {"in": f.reshape(1, 1, p.pixels, p.k2 * p.ch)}, (1, 1, p.pixels, p.ch)) for f in x
    ])
    defines = dict(CH=p.ch, PE=p.pe, K2=p.k2, NUM_PIXELS=p.pixels, BITS=p.bits, SIGNED=int(p.signed))
    p.cf = p.ch // p.pe
    return dict(
        frames=frames, inputs={"in0": _words(x, p.pe, p.bits)}, **_one_output(expected, p.pe, p.bits, p.signed),
        hls_defines=defines, rtl_parameters=defines,
    )


# ---------------------------------------------------------------- Label select

LABELSELECT_PARAMS = "pe,bits,signed"
LABELSELECT_CASES = [
    Case("pe1", (1, 8, True)),
    Case("pe2", (2, 8, True)),
    Case("pe5", (5, 8, True), (HLS,)),
    Case("pe5-uint3", (5, 3, False), (RTL,)),
    Case("full", (10, 8, True)),
]


def _labelselect(p: SimpleNamespace) -> dict:
    rng = np.random.default_rng(p.pe)
    p.labels, frames = 10, 40
    lo, hi = (-4, 4) if p.signed else (0, 4)  # a small range: many ties
    x = rng.integers(lo, hi, size=(frames, p.labels))
    x[0] = 3  # all equal
    x[1] = lo  # all equal, at the type's minimum
    x[2, -1] = (1 << (p.bits - 1)) - 1 if p.signed else (1 << p.bits) - 1  # the type's maximum, last
    in_dt = f"INT{p.bits}" if p.signed else f"UINT{p.bits}"
    attrs = dict(Labels=p.labels, PE=p.pe, K=1, inputDataType=in_dt, outputDataType="UINT8")
    expected = np.array([finn_execute("LabelSelect", attrs, {"in": f[None]}, (1, 1)) for f in x]).ravel()
    assert expected[0] == expected[1] == 0 and expected[2] == p.labels - 1  # ties: the lowest index wins
    defines = dict(LABELS=p.labels, PE=p.pe, BITS=p.bits, SIGNED=int(p.signed), OUT_BITS=8)
    return dict(
        frames=frames, inputs={"in0": _words(x, p.pe, p.bits)}, **_one_output(expected, 1, 8, False),
        hls_defines=defines, rtl_parameters=defines,
    )


# ---------------------------------------------------------------- Width converter

DWC_PARAMS = "in_w,out_w,in_words"
DWC_CASES = [
    Case("widen-x3", (8, 24, 6)),
    Case("narrow-x3", (24, 8, 2)),
    Case("narrow-12-8", (12, 8, 4)),
    Case("widen-8-12", (8, 12, 3), (RTL,)),
    Case("narrow-6-4", (6, 4, 6)),
    Case("same", (4, 4, 3)),
]


def _dwc(p: SimpleNamespace) -> dict:
    """No FINN node: the expected words hold the input's 2-bit elements in the same order."""
    rng = np.random.default_rng(p.in_w * p.out_w)
    frames = 8
    p.out_words = p.in_w * p.in_words // p.out_w  # per frame
    elements = rng.integers(0, 4, size=(frames, p.in_w * p.in_words // 2))
    defines = dict(IN_W=p.in_w, OUT_W=p.out_w, IN_WORDS=p.in_words)
    return dict(
        frames=frames, inputs={"in0": _words(elements, p.in_w // 2, 2)},
        **_one_output(elements, p.out_w // 2, 2, False),
        hls_defines=defines, rtl_parameters=defines,
    )


# ---------------------------------------------------------------- Branches: fan-out, add, concat

DUPLICATE_PARAMS = "width,words,branches"
DUPLICATE_CASES = [
    Case("two-branches", (6, 5, 2), (RTL,)),  # the HLS harness has three branches
    Case("three-wide", (70, 7, 3)),
]


def _duplicate(p: SimpleNamespace) -> dict:
    """No FINN node: every branch expects the input words."""
    rng = np.random.default_rng(p.branches)
    frames = 12
    data = [int(w) for w in rng.integers(0, 1 << min(p.width, 62), size=frames * p.words)]
    data[-1] = (1 << p.width) - 1  # every bit set, also above 64
    outputs = [f"out{b}" for b in range(p.branches)]
    return dict(
        frames=frames, inputs={"in0": data}, expected={o: np.array(data, dtype=object) for o in outputs},
        expected_words={o: list(data) for o in outputs}, lanes={o: None for o in outputs},
        hls_defines=dict(W=p.width, WORDS=p.words),
        rtl_parameters=dict(WIDTH=p.width, WORDS=p.words, BRANCHES=p.branches),
    )


ADD_PARAMS = "pe,lhs_type,rhs_type"
ADD_CASES = [
    # FINN's out_dtype is the smallest type holding the sum
    Case("int2-pe1", (1, "INT2", "INT2")),
    Case("int4-pe4", (4, "INT4", "INT4")),
    Case("int3-uint2-pe3", (3, "INT3", "UINT2")),
    Case("binary-int5-pe2", (2, "UINT1", "INT5")),
    Case("uint2-int3-full", (12, "UINT2", "INT3"), (RTL,)),
]


def _add(p: SimpleNamespace) -> dict:
    from qonnx.core.datatype import DataType

    rng = np.random.default_rng(p.pe)
    vecs, channels, frames = 5, 12, 3
    lhs_dt, rhs_dt = DataType[p.lhs_type], DataType[p.rhs_type]
    lhs = rng.integers(lhs_dt.min(), lhs_dt.max() + 1, size=(frames, vecs, channels))
    rhs = rng.integers(rhs_dt.min(), rhs_dt.max() + 1, size=(frames, vecs, channels))
    lo, hi = lhs_dt.min() + rhs_dt.min(), lhs_dt.max() + rhs_dt.max()
    out_dt = DataType.get_smallest_possible(lo) if abs(lo) > hi else DataType.get_smallest_possible(-hi - 1)
    shape = [1, vecs, channels]
    attrs = dict(lhs_dtype=p.lhs_type, rhs_dtype=p.rhs_type, out_dtype=out_dt.name, lhs_shape=shape, rhs_shape=shape,
                 out_shape=shape, PE=p.pe)
    expected = np.array([finn_execute("ElementwiseAdd", attrs, {"lhs": a[None], "rhs": b[None]}, tuple(shape))[0]
                         for a, b in zip(lhs, rhs)])
    assert (expected < 0).any() or not (lhs_dt.signed() or rhs_dt.signed())
    p.words = vecs * channels // p.pe  # per frame
    defines = dict(PE=p.pe, WORDS=p.words, LHS_BITS=lhs_dt.bitwidth(), LHS_SIGNED=int(lhs_dt.signed()),
                   RHS_BITS=rhs_dt.bitwidth(), RHS_SIGNED=int(rhs_dt.signed()), OUT_BITS=out_dt.bitwidth())
    return dict(
        frames=frames,
        inputs={"in0": _words(lhs, p.pe, lhs_dt.bitwidth()), "in1": _words(rhs, p.pe, rhs_dt.bitwidth())},
        **_one_output(expected, p.pe, out_dt.bitwidth(), True), hls_defines=defines, rtl_parameters=defines,
    )


CONCAT_PARAMS = "simd,ins"
CONCAT_CASES = [
    # [(channels, type), ...]: FINN widens every input to one output type
    Case("binary-simd1", (1, ((4, "UINT1"), (2, "UINT1")))),
    Case("int4-binary-simd2", (2, ((4, "INT4"), (6, "UINT1")))),
    Case("three-inputs-simd2", (2, ((2, "INT2"), (4, "UINT1"), (2, "INT3")))),
    Case("three-inputs-simd1", (1, ((3, "UINT2"), (1, "INT4"), (2, "UINT1"))), (RTL,)),
    Case("int2-binary-simd4", (4, ((4, "UINT1"), (8, "INT2"))), (RTL,)),
]


def _concat(p: SimpleNamespace) -> dict:
    from onnx import helper
    from qonnx.core.datatype import DataType
    from qonnx.custom_op.registry import getCustomOp

    rng = np.random.default_rng(len(p.ins) * p.simd)
    vecs, frames = 5, 3
    attrs = dict(SIMD=p.simd, ChannelsPerStream=[c for c, _ in p.ins], inputDataTypes=[t for _, t in p.ins],
                 numInputVectors=[1, vecs])
    names = [f"in{k}" for k in range(len(p.ins))]
    node = helper.make_node("StreamingConcat", names, ["out"], domain=FINN_DOMAIN, **attrs)
    out_dt = getCustomOp(node).get_output_datatype()
    data = [rng.integers(DataType[t].min(), DataType[t].max() + 1, size=(frames, vecs, c)) for c, t in p.ins]
    channels = sum(c for c, _ in p.ins)
    expected = np.array([
        finn_execute("StreamingConcat", attrs, {n: d[f][None] for n, d in zip(names, data)}, (1, vecs, channels))[0]
        for f in range(frames)])
    defines = dict(NUM_VECS=vecs, SIMD=p.simd, OUT_BITS=out_dt.bitwidth(), C2=0, IN2_BITS=1, IN2_SIGNED=0)
    inputs = {}
    for k, ((c, t), d) in enumerate(zip(p.ins, data)):
        defines.update({f"C{k}": c, f"IN{k}_BITS": DataType[t].bitwidth(), f"IN{k}_SIGNED": int(DataType[t].signed())})
        inputs[names[k]] = _words(d, p.simd, DataType[t].bitwidth())
    return dict(
        frames=frames, inputs=inputs, **_one_output(expected, p.simd, out_dt.bitwidth(), out_dt.signed()),
        hls_defines=defines, rtl_parameters=dict(defines, N_INPUTS=len(p.ins)),
    )


# ---------------------------------------------------------------- The cases of every kind

KINDS = {
    "mvau": (MVAU_PARAMS, MVAU_CASES, _mvau),
    "thresholding": (THRESHOLDING_PARAMS, THRESHOLDING_CASES, _thresholding),
    "swg": (SWG_PARAMS, SWG_CASES, _swg),
    "fmpadding": (FMPADDING_PARAMS, FMPADDING_CASES, _fmpadding),
    "pool": (POOL_PARAMS, POOL_CASES, _pool),
    "labelselect": (LABELSELECT_PARAMS, LABELSELECT_CASES, _labelselect),
    "dwc": (DWC_PARAMS, DWC_CASES, _dwc),
    "duplicate": (DUPLICATE_PARAMS, DUPLICATE_CASES, _duplicate),
    "add": (ADD_PARAMS, ADD_CASES, _add),
    "concat": (CONCAT_PARAMS, CONCAT_CASES, _concat),
}


def case_ids(kind: str, backend: str | None = None) -> list[str]:
    """The ids of ``kind``'s cases that ``backend`` runs (every case where None)."""
    return [c.id for c in KINDS[kind][1] if backend is None or backend in c.backends]


def cases(kind: str, backend: str) -> list:
    """``kind``'s case ids that ``backend`` runs, for ``pytest.mark.parametrize("case_id", ...)``."""
    return [pytest.param(case_id, id=case_id) for case_id in case_ids(kind, backend)]


def kernel_cases(backend: str) -> list:
    """Every kind's cases that ``backend`` runs, for ``pytest.mark.parametrize("kind,case_id", ...)``."""
    return [
        pytest.param(kind, case_id, id=f"{kind}-{case_id}") for kind in KINDS for case_id in case_ids(kind, backend)
    ]


def build_vectors(kind: str, case_id: str) -> KernelVectors:
    """The vectors of one case, built afresh (``vectors`` keeps them for the session)."""
    names, kind_cases, builder = KINDS[kind]
    (case,) = [c for c in kind_cases if c.id == case_id]
    p = SimpleNamespace(**dict(zip(names.split(","), case.values, strict=True)))
    return KernelVectors(kind=kind, case_id=case_id, p=p, **builder(p))


@functools.lru_cache(maxsize=None)
def vectors(kind: str, case_id: str) -> KernelVectors:
    """The vectors of one case, built once a session: both backends' tests get this one object."""
    return build_vectors(kind, case_id)


def assert_outputs(vec: KernelVectors, outputs: dict[str, list[int]], msg: str = "") -> None:
    """A backend's output words per port are the expected words: unpacked, FINN's values element by
    element, and packed, the very words."""
    assert set(outputs) == set(vec.expected_words), msg
    for port, words in outputs.items():
        lanes = vec.lanes[port]
        if lanes is not None:
            elements, bits, signed = lanes
            got = unpack_words(list(words), elements, bits, signed=signed)
            np.testing.assert_array_equal(got.reshape(vec.expected[port].shape), vec.expected[port],
                                          err_msg=f"{msg} {port}")
        assert [int(w) for w in words] == vec.expected_words[port], (msg, port)
