"""Each HLS kernel in hls_templates/kernels, compiled with g++ and run against FINN's own Python
execution of the matching hardware node, across foldings (1, full, uneven divisors) and odd shapes."""

from __future__ import annotations

import numpy as np
import pytest

from hwnas.codegen.packing import pack_words, unpack_words
from hwnas.codegen.params import mvau_weight_words, threshold_table
from tests.codegen.hls_harness import HarnessRunner, hex_tokens

pytestmark = pytest.mark.slow

FINN_DOMAIN = "finn.custom_op.fpgadataflow"


@pytest.fixture(scope="module")
def runner(tmp_path_factory) -> HarnessRunner:
    return HarnessRunner(tmp_path_factory.mktemp("kernels"))


def finn_execute(op_type: str, attrs: dict, inputs: dict[str, np.ndarray], out_shape: tuple) -> np.ndarray:
    """Run FINN's execute_node of one hardware op on the given inputs."""
    from onnx import helper
    from qonnx.custom_op.registry import getCustomOp

    node = helper.make_node(op_type, list(inputs), ["out"], domain=FINN_DOMAIN, **attrs)
    context = {name: value.astype(np.float32) for name, value in inputs.items()}
    context["out"] = np.zeros(out_shape, dtype=np.float32)
    getCustomOp(node).execute_node(context, None)
    return context["out"]


# ---------------------------------------------------------------- MVAU

MVAU_CASES = [
    # (mw, mh, pe, simd, vecs, mode, in_bits, signed, nt, out_bits, bias_kind)
    pytest.param(12, 8, 1, 1, 3, "xnor", 1, False, 1, 1, "bipolar", id="xnor-pe1-simd1"),
    pytest.param(12, 8, 8, 12, 3, "xnor", 1, False, 1, 1, "bipolar", id="xnor-full"),
    pytest.param(12, 8, 2, 3, 3, "xnor", 1, False, 1, 1, "bipolar", id="xnor-pe2-simd3"),
    pytest.param(15, 9, 3, 5, 2, "xnor", 1, False, 1, 1, "bipolar", id="xnor-odd"),
    pytest.param(70, 6, 2, 70, 1, "xnor", 1, False, 1, 1, "bipolar", id="xnor-simd-over-64-bits"),
    pytest.param(12, 10, 5, 4, 2, "xnor", 1, False, 0, 8, "none", id="xnor-noactivation"),
    pytest.param(12, 8, 4, 6, 2, "xnor", 1, False, 3, 3, "actval", id="xnor-multithreshold"),
    pytest.param(27, 16, 1, 1, 2, "quant", 8, False, 1, 1, "bipolar", id="uint8-pe1-simd1"),
    pytest.param(27, 16, 16, 27, 2, "quant", 8, False, 1, 1, "bipolar", id="uint8-full"),
    pytest.param(27, 16, 4, 9, 2, "quant", 8, False, 1, 1, "bipolar", id="uint8-pe4-simd9"),
    pytest.param(18, 6, 3, 2, 2, "quant", 4, True, 0, 10, "none", id="int4-noactivation"),
]


@pytest.mark.parametrize("mw,mh,pe,simd,vecs,mode,in_bits,signed,nt,out_bits,bias_kind", MVAU_CASES)
def test_mvau_matches_finn(runner, mw, mh, pe, simd, vecs, mode, in_bits, signed, nt, out_bits, bias_kind):
    rng = np.random.default_rng(mw * 1000 + mh * 10 + pe)
    xnor = mode == "xnor"
    frames = 3
    weights = rng.integers(0, 2, size=(mw, mh)) if xnor else rng.choice([-1, 1], size=(mw, mh))
    if xnor:
        x = rng.integers(0, 2, size=(frames, vecs, mw))
        in_dt = "BINARY"
    else:
        lo, hi = (-(1 << (in_bits - 1)), 1 << (in_bits - 1)) if signed else (0, 1 << in_bits)
        x = rng.integers(lo, hi, size=(frames, vecs, mw))
        in_dt = f"{'INT' if signed else 'UINT'}{in_bits}"
    acc_range = (0, mw + 1) if xnor else (-mw * 40, mw * 40)
    thresholds = np.sort(rng.integers(*acc_range, size=(mh, max(nt, 1))), axis=1)
    out_dt = {"bipolar": "BIPOLAR", "actval": "INT3", "none": f"INT{out_bits}"}[bias_kind]
    act_val = -1 if bias_kind == "actval" else 0
    attrs = dict(
        MW=mw, MH=mh, PE=pe, SIMD=simd, inputDataType=in_dt, weightDataType="BINARY" if xnor else "BIPOLAR",
        outputDataType=out_dt, binaryXnorMode=int(xnor), noActivation=int(nt == 0), ActVal=act_val,
        numInputVectors=[vecs],
    )
    expected = []
    for frame in x:
        inputs = {"in": frame.reshape(1, vecs, mw), "w": weights}
        if nt:
            inputs["thr"] = thresholds
        expected.append(finn_execute("MVAU", attrs, inputs, (1, vecs, mh)).reshape(vecs, mh))
    expected = np.array(expected)
    if bias_kind == "bipolar":
        expected = (expected + 1) // 2  # the stream carries bipolar values as bits

    tokens = hex_tokens(mvau_weight_words(weights, pe=pe, simd=simd, bipolar=not xnor))
    if nt:
        tokens += threshold_table(thresholds, channels=mh, pe=pe).ravel().tolist()
    tokens.append(frames)
    tokens += hex_tokens(pack_words(x.reshape(-1, simd), in_bits))
    defines = dict(
        MW=mw, MH=mh, SIMD=simd, PE=pe, NUM_VECS=vecs, IN_BITS=in_bits, IN_SIGNED=int(signed), XNOR=int(xnor),
        OUT_BITS=out_bits, NT=nt, BIAS=act_val,
    )
    words = runner.run("mvau", defines, tokens)
    assert len(words) == frames * vecs * mh // pe
    got = unpack_words(words, pe, out_bits, signed=bias_kind != "bipolar").reshape(frames, vecs, mh)
    np.testing.assert_array_equal(got, expected)


def test_weight_layout_is_finns():
    """Our weight words hold exactly FINN's get_hw_compatible_weight_tensor, bit s = SIMD lane s."""
    from onnx import helper
    from qonnx.custom_op.registry import getCustomOp

    rng = np.random.default_rng(0)
    mw, mh, pe, simd = 12, 8, 4, 3
    weights = rng.choice([-1, 1], size=(mw, mh))
    node = helper.make_node(
        "MVAU", ["in", "w"], ["out"], domain=FINN_DOMAIN, MW=mw, MH=mh, PE=pe, SIMD=simd,
        inputDataType="UINT8", weightDataType="BIPOLAR", outputDataType="INT32", noActivation=1,
    )
    finn_tiles = getCustomOp(node).get_hw_compatible_weight_tensor(weights)[0]  # (PE, WMEM, SIMD)
    finn_tiles = np.flip(finn_tiles, axis=-1)  # FINN reverses lanes for its hex strings
    ours = mvau_weight_words(weights, pe=pe, simd=simd, bipolar=True)
    unpacked = unpack_words(ours.ravel().tolist(), simd, 1, signed=False).reshape(finn_tiles.shape)
    np.testing.assert_array_equal(unpacked, finn_tiles)


# ---------------------------------------------------------------- Thresholding


@pytest.mark.parametrize("pe", [1, 2, 6])
def test_thresholding_matches_finn(runner, pe):
    rng = np.random.default_rng(pe)
    channels, vecs, nt, frames = 6, 5, 3, 2
    x = rng.integers(-128, 128, size=(frames, vecs, channels))
    thresholds = np.sort(rng.integers(-100, 100, size=(channels, nt)), axis=1)
    attrs = dict(
        NumChannels=channels, PE=pe, numSteps=nt, inputDataType="INT8", weightDataType="INT8",
        outputDataType="UINT2", ActVal=0, numInputVectors=[vecs],
    )
    expected = np.array(
        [finn_execute("Thresholding", attrs, {"in": f[None], "thr": thresholds}, (1, vecs, channels))[0] for f in x]
    )
    tokens = threshold_table(thresholds, channels=channels, pe=pe).ravel().tolist()
    tokens += [frames] + hex_tokens(pack_words(x.reshape(-1, pe), 8))
    defines = dict(C=channels, PE=pe, NUM_VECS=vecs, IN_BITS=8, IN_SIGNED=1, NT=nt, OUT_BITS=2, BIAS=0)
    got = unpack_words(runner.run("thresholding", defines, tokens), pe, 2, signed=False)
    np.testing.assert_array_equal(got.reshape(expected.shape), expected)


# ---------------------------------------------------------------- Sliding window

SWG_CASES = [
    # (ch, ifm_h, ifm_w, k_h, k_w, stride, dil, simd, bits, parallel_window)
    pytest.param(4, 7, 7, 3, 3, 1, 1, 1, 1, 0, id="k3s1-simd1"),
    pytest.param(4, 7, 7, 3, 3, 1, 1, 2, 1, 0, id="k3s1-simd2"),
    pytest.param(4, 7, 7, 3, 3, 1, 1, 4, 1, 0, id="k3s1-full"),
    pytest.param(3, 8, 9, 3, 3, 2, 1, 3, 8, 0, id="k3s2-uint8-unused-edge"),
    pytest.param(2, 9, 10, 2, 3, 1, 2, 1, 2, 0, id="k2x3-dilation2"),
    pytest.param(6, 8, 8, 2, 2, 2, 1, 3, 1, 0, id="k2s2-pool-shape"),
    pytest.param(2, 3, 3, 3, 3, 1, 1, 2, 1, 0, id="window-is-image"),
    pytest.param(4, 7, 7, 3, 3, 1, 1, 4, 1, 1, id="parallel-k3s1"),
    pytest.param(1, 8, 8, 3, 3, 1, 1, 1, 8, 1, id="parallel-uint8-one-channel"),
    pytest.param(3, 8, 9, 3, 3, 2, 1, 3, 8, 1, id="parallel-k3s2-unused-edge"),
    pytest.param(2, 9, 10, 2, 3, 1, 2, 2, 2, 1, id="parallel-k2x3-dilation2"),
    pytest.param(6, 8, 8, 2, 2, 2, 1, 3, 1, 1, id="parallel-depthwise-simd3"),
]


@pytest.mark.parametrize("ch,ifm_h,ifm_w,k_h,k_w,stride,dil,simd,bits,parallel", SWG_CASES)
def test_sliding_window_matches_finn(runner, ch, ifm_h, ifm_w, k_h, k_w, stride, dil, simd, bits, parallel):
    rng = np.random.default_rng(ch * ifm_h + k_w)
    ofm_h = (ifm_h - (k_h - 1) * dil - 1) // stride + 1
    ofm_w = (ifm_w - (k_w - 1) * dil - 1) // stride + 1
    frames = 2
    x = rng.integers(0, 1 << bits, size=(frames, ifm_h, ifm_w, ch))
    attrs = dict(
        ConvKernelDim=[k_h, k_w], IFMChannels=ch, IFMDim=[ifm_h, ifm_w], OFMDim=[ofm_h, ofm_w], SIMD=simd,
        Stride=[stride, stride], Dilation=[dil, dil], inputDataType=f"UINT{bits}", outputDataType=f"UINT{bits}",
    )
    out_shape = (1, ofm_h, ofm_w, k_h * k_w * ch)
    expected = np.array([finn_execute("ConvolutionInputGenerator", attrs, {"in": f[None]}, out_shape) for f in x])
    defines = dict(
        CH=ch, IFM_H=ifm_h, IFM_W=ifm_w, OFM_H=ofm_h, OFM_W=ofm_w, K_H=k_h, K_W=k_w, STRIDE_H=stride,
        STRIDE_W=stride, DIL_H=dil, DIL_W=dil, SIMD=simd, BITS=bits, GROUP=k_h * k_w if parallel else 1,
    )
    tokens = [frames] + hex_tokens(pack_words(x.reshape(-1, simd), bits))
    out_elements = defines["GROUP"] * simd
    words = runner.run("swg", defines, tokens)
    assert len(words) == frames * ofm_h * ofm_w * k_h * k_w * ch // out_elements
    got = unpack_words(words, out_elements, bits, signed=False)
    np.testing.assert_array_equal(got.reshape(expected.shape), expected)


# ---------------------------------------------------------------- Padding, pooling, label select, width converter


@pytest.mark.parametrize("pads,simd", [((1, 1, 1, 1), 1), ((2, 0, 1, 3), 2)])
def test_fm_padding_matches_finn(runner, pads, simd):
    rng = np.random.default_rng(simd)
    ch, h, w, frames = 4, 3, 5, 2
    x = rng.integers(0, 4, size=(frames, h, w, ch))
    top, left, bottom, right = pads
    out_shape = (1, h + top + bottom, w + left + right, ch)
    attrs = dict(ImgDim=[h, w], Padding=[top, left, bottom, right], NumChannels=ch, SIMD=simd, inputDataType="UINT2")
    expected = np.array([finn_execute("FMPadding", attrs, {"in": f[None]}, out_shape) for f in x])
    defines = dict(IN_H=h, IN_W=w, PAD_TOP=top, PAD_LEFT=left, PAD_BOTTOM=bottom, PAD_RIGHT=right, CH=ch, SIMD=simd, BITS=2)
    tokens = [frames] + hex_tokens(pack_words(x.reshape(-1, simd), 2))
    got = unpack_words(runner.run("fmpadding", defines, tokens), simd, 2, signed=False)
    np.testing.assert_array_equal(got.reshape(expected.shape), expected)


@pytest.mark.parametrize(
    "pe,bits,signed", [(1, 1, False), (3, 1, False), (6, 1, False), (2, 4, True)], ids=["pe1", "pe3", "full", "int4"]
)
def test_max_pool_matches_finn(runner, pe, bits, signed):
    rng = np.random.default_rng(pe + bits)
    ch, k2, pixels, frames = 6, 4, 5, 2
    lo, hi = (-(1 << (bits - 1)), 1 << (bits - 1)) if signed else (0, 1 << bits)
    x = rng.integers(lo, hi, size=(frames, pixels, k2 * ch))
    dt = f"INT{bits}" if signed else ("BINARY" if bits == 1 else f"UINT{bits}")
    attrs = dict(Channels=ch, PE=pe, KernelSize=[2, 2], Function="MaxPool", OutImgDims=[1, pixels],
                 InputDataType=dt, OutputDataType=dt)
    expected = np.array([finn_execute("Pool", attrs, {"in": f.reshape(1, 1, pixels, k2 * ch)}, (1, 1, pixels, ch)) for f in x])
    defines = dict(CH=ch, PE=pe, K2=k2, NUM_PIXELS=pixels, BITS=bits, SIGNED=int(signed))
    tokens = [frames] + hex_tokens(pack_words(x.reshape(-1, pe), bits))
    got = unpack_words(runner.run("pool", defines, tokens), pe, bits, signed=signed)
    np.testing.assert_array_equal(got.reshape(expected.shape), expected)


@pytest.mark.parametrize("pe", [1, 2, 5, 10])
def test_label_select_matches_finn_including_ties(runner, pe):
    rng = np.random.default_rng(pe)
    labels, frames = 10, 40
    x = rng.integers(-4, 4, size=(frames, labels))  # small range: many ties
    x[0] = 3  # all equal
    attrs = dict(Labels=labels, PE=pe, K=1, inputDataType="INT8", outputDataType="UINT8")
    expected = np.array([finn_execute("LabelSelect", attrs, {"in": f[None]}, (1, 1)) for f in x]).ravel()
    defines = dict(LABELS=labels, PE=pe, BITS=8, SIGNED=1, OUT_BITS=8)
    tokens = [frames] + hex_tokens(pack_words(x.reshape(-1, pe), 8))
    got = np.array(runner.run("labelselect", defines, tokens))
    np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("in_w,out_w,in_words", [(8, 24, 6), (24, 8, 2), (12, 8, 4), (6, 4, 6), (4, 4, 3)])
def test_width_converter_keeps_element_order(runner, in_w, out_w, in_words):
    rng = np.random.default_rng(in_w * out_w)
    elements = rng.integers(0, 4, size=(2, in_w * in_words // 2))  # 2-bit elements, two frames
    tokens = [2] + hex_tokens(pack_words(elements.reshape(-1, in_w // 2), 2))
    got = runner.run("dwc", dict(IN_W=in_w, OUT_W=out_w, IN_WORDS=in_words), tokens)
    np.testing.assert_array_equal(unpack_words(got, out_w // 2, 2, signed=False).reshape(elements.shape), elements)


# ---------------------------------------------------------------- Branches: fan-out, add, concat


def test_duplicate_writes_every_word_to_every_branch(runner):
    words = [(7 * i + 3) % 64 for i in range(10)]
    got = runner.run("duplicate", dict(W=6, WORDS=5), [2] + hex_tokens(words))
    first, second = words[:5], words[5:]
    assert got == first * 3 + second * 3


ADD_CASES = [
    # (pe, lhs type, rhs type): FINN's out_dtype is the smallest type holding the sum
    pytest.param(1, "INT2", "INT2", id="int2-pe1"),
    pytest.param(4, "INT4", "INT4", id="int4-pe4"),
    pytest.param(3, "INT3", "UINT2", id="int3-uint2-pe3"),
    pytest.param(2, "UINT1", "INT5", id="binary-int5-pe2"),
]


@pytest.mark.parametrize("pe,lhs_type,rhs_type", ADD_CASES)
def test_elementwise_add_matches_finn(runner, pe, lhs_type, rhs_type):
    from qonnx.core.datatype import DataType

    rng = np.random.default_rng(pe)
    vecs, channels, frames = 5, 12, 2
    lhs_dt, rhs_dt = DataType[lhs_type], DataType[rhs_type]
    lhs = rng.integers(lhs_dt.min(), lhs_dt.max() + 1, size=(frames, vecs, channels))
    rhs = rng.integers(rhs_dt.min(), rhs_dt.max() + 1, size=(frames, vecs, channels))
    lo, hi = lhs_dt.min() + rhs_dt.min(), lhs_dt.max() + rhs_dt.max()
    out_dt = DataType.get_smallest_possible(lo) if abs(lo) > hi else DataType.get_smallest_possible(-hi - 1)
    shape = [1, vecs, channels]
    attrs = dict(lhs_dtype=lhs_type, rhs_dtype=rhs_type, out_dtype=out_dt.name, lhs_shape=shape, rhs_shape=shape,
                 out_shape=shape, PE=pe)
    expected = np.array([finn_execute("ElementwiseAdd", attrs, {"lhs": a[None], "rhs": b[None]}, tuple(shape))[0]
                         for a, b in zip(lhs, rhs)])
    words = vecs * channels // pe
    tokens = [frames]
    for a, b in zip(lhs, rhs):
        tokens += hex_tokens(pack_words(a.reshape(-1, pe), lhs_dt.bitwidth()))
        tokens += hex_tokens(pack_words(b.reshape(-1, pe), rhs_dt.bitwidth()))
    defines = dict(PE=pe, WORDS=words, LHS_BITS=lhs_dt.bitwidth(), LHS_SIGNED=int(lhs_dt.signed()),
                   RHS_BITS=rhs_dt.bitwidth(), RHS_SIGNED=int(rhs_dt.signed()), OUT_BITS=out_dt.bitwidth())
    got = unpack_words(runner.run("add", defines, tokens), pe, out_dt.bitwidth(), signed=True)
    np.testing.assert_array_equal(got.reshape(expected.shape), expected)
    assert (expected < 0).any() or not (lhs_dt.signed() or rhs_dt.signed())


CONCAT_CASES = [
    # (simd, [(channels, type), ...]): FINN widens every input to one output type
    pytest.param(1, [(4, "UINT1"), (2, "UINT1")], id="binary-simd1"),
    pytest.param(2, [(4, "INT4"), (6, "UINT1")], id="int4-binary-simd2"),
    pytest.param(2, [(2, "INT2"), (4, "UINT1"), (2, "INT3")], id="three-inputs-simd2"),
]


@pytest.mark.parametrize("simd,ins", CONCAT_CASES)
def test_concat_matches_finn(runner, simd, ins):
    from onnx import helper
    from qonnx.core.datatype import DataType
    from qonnx.custom_op.registry import getCustomOp

    rng = np.random.default_rng(len(ins) * simd)
    vecs, frames = 5, 2
    attrs = dict(SIMD=simd, ChannelsPerStream=[c for c, _ in ins], inputDataTypes=[t for _, t in ins],
                 numInputVectors=[1, vecs])
    names = [f"in{k}" for k in range(len(ins))]
    node = helper.make_node("StreamingConcat", names, ["out"], domain=FINN_DOMAIN, **attrs)
    out_dt = getCustomOp(node).get_output_datatype()
    data = [rng.integers(DataType[t].min(), DataType[t].max() + 1, size=(frames, vecs, c)) for c, t in ins]
    expected = np.array([
        finn_execute("StreamingConcat", attrs, {n: d[f][None] for n, d in zip(names, data)},
                     (1, vecs, sum(c for c, _ in ins)))[0] for f in range(frames)])
    tokens = [frames]
    for f in range(frames):
        for (c, t), d in zip(ins, data):
            tokens += hex_tokens(pack_words(d[f].reshape(-1, simd), DataType[t].bitwidth()))
    defines = dict(NUM_VECS=vecs, SIMD=simd, OUT_BITS=out_dt.bitwidth(), C2=0, IN2_BITS=1, IN2_SIGNED=0)
    for k, (c, t) in enumerate(ins):
        defines.update({f"C{k}": c, f"IN{k}_BITS": DataType[t].bitwidth(), f"IN{k}_SIGNED": int(DataType[t].signed())})
    got = unpack_words(runner.run("concat", defines, tokens), simd, out_dt.bitwidth(), signed=out_dt.signed())
    np.testing.assert_array_equal(got.reshape(expected.shape), expected)
