"""Random folded FINN hardware-layer graphs (MVAU, sliding window, pool, padding, label select,
with FINN's own InsertDWC), built directly from FINN node attributes, for code-generation tests
that do not need the Brevitas -> FINN lowering."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hwnas.hw.mvau import spec_accumulator

DOMAIN = "finn.custom_op.fpgadataflow"


@dataclass
class _Builder:
    rng: np.random.Generator
    nodes: list
    value_infos: list
    initializers: dict
    datatypes: dict
    tensor: str
    shape: tuple
    dtype: str
    width: int | None = None  # bits per word of the stream so far
    flat: bool = False  # the next MVAU reads the whole feature map as one vector

    def bits(self) -> int:
        from qonnx.core.datatype import DataType

        return DataType[self.dtype].bitwidth()

    def _new(self, shape, dtype):
        from onnx import TensorProto, helper

        name = f"t{len(self.value_infos)}"
        self.value_infos.append(helper.make_tensor_value_info(name, TensorProto.FLOAT, list(shape)))
        self.datatypes[name] = dtype
        return name

    def _add(self, op_type, shape, dtype, extra_inputs=(), *, widths, **attrs):
        in_width, out_width = widths
        if self.width is not None and self.width != in_width:
            # a width converter where FINN's InsertDWC would put one
            self._node("StreamingDataWidthConverter", self.shape, self.dtype, (), inShape=list(self.shape),
                       outShape=list(self.shape), inWidth=self.width, outWidth=in_width, dataType=self.dtype)
        self._node(op_type, shape, dtype, extra_inputs, **attrs)
        self.width = out_width

    def _node(self, op_type, shape, dtype, extra_inputs, **attrs):
        from onnx import helper

        out = self._new(shape, dtype)
        self.nodes.append(
            helper.make_node(op_type, [self.tensor, *extra_inputs], [out], domain=DOMAIN, backend="fpgadataflow",
                             name=f"{op_type}_{len(self.nodes)}", **attrs)
        )
        self.tensor, self.shape, self.dtype = out, tuple(shape), dtype

    def mvau(self, mh, pe, simd, *, activation=True):
        from qonnx.core.datatype import DataType

        mw = int(np.prod(self.shape[1:])) if self.flat else self.shape[-1]
        vecs = [1] if self.flat else list(self.shape[:-1])
        self.flat = False
        xnor = self.dtype == "BINARY"
        wname = f"w{len(self.nodes)}"
        if xnor:
            self.initializers[wname] = (self.rng.integers(0, 2, size=(mw, mh)).astype(np.float32), "BINARY")
            centre, spread = mw / 2, max(1.0, np.sqrt(mw) / 2)
        else:
            self.initializers[wname] = (self.rng.choice([-1.0, 1.0], size=(mw, mh)).astype(np.float32), "BIPOLAR")
            centre, spread = 0.0, 60.0 * np.sqrt(mw)
        extra = [wname]
        if activation:
            tname = f"thr{len(self.nodes)}"
            thr = np.round(self.rng.normal(centre, spread, size=(mh, 1)))
            self.initializers[tname] = (thr.astype(np.float32), "INT32")
            extra.append(tname)
            odt = "BINARY"
        in_bits = self.bits()
        signed, acc_bits = spec_accumulator(mw, in_bits)  # the types hwnas's lowering sets
        acc = f"{'INT' if signed else 'UINT'}{acc_bits}"
        if not activation:
            odt = acc
        self._add(
            "MVAU", vecs + [mh], odt, extra, widths=(simd * in_bits, pe * DataType[odt].bitwidth()), MW=mw, MH=mh, PE=pe, SIMD=simd, inputDataType=self.dtype,
            weightDataType="BINARY" if xnor else "INT2", outputDataType=odt, binaryXnorMode=int(xnor),
            noActivation=int(not activation), ActVal=0, numInputVectors=vecs, accDataType=acc,
        )

    def swg(self, k, stride, simd, *, dilation=1, depthwise=0):
        _, h, w, c = self.shape
        oh, ow = (h - (k - 1) * dilation - 1) // stride + 1, (w - (k - 1) * dilation - 1) // stride + 1
        self._add(
            "ConvolutionInputGenerator", (1, oh, ow, k * k * c), self.dtype, widths=(simd * self.bits(),) * 2, ConvKernelDim=[k, k], IFMChannels=c,
            IFMDim=[h, w], OFMDim=[oh, ow], SIMD=simd, Stride=[stride, stride], Dilation=[dilation, dilation],
            inputDataType=self.dtype, outputDataType=self.dtype, depthwise=depthwise,
        )

    def pool(self, k, pe):
        _, oh, ow, kc = self.shape
        c = kc // (k * k)
        self._add(
            "Pool", (1, oh, ow, c), self.dtype, widths=(pe * self.bits(),) * 2, Channels=c, PE=pe, KernelSize=[k, k], Function="MaxPool",
            OutImgDims=[oh, ow], InputDataType=self.dtype, OutputDataType=self.dtype,
        )

    def padding(self, pad, simd):
        _, h, w, c = self.shape
        self._add(
            "FMPadding", (1, h + 2 * pad, w + 2 * pad, c), self.dtype, widths=(simd * self.bits(),) * 2, ImgDim=[h, w], Padding=[pad] * 4,
            NumChannels=c, SIMD=simd, inputDataType=self.dtype,
        )

    def flatten_for_classifier(self):
        """The MVAU after the last conv reads the NHWC pixels as one vector, as FINN's lowering does."""
        self.flat = True

    def label_select(self, pe):
        labels = self.shape[-1]
        self._add(
            "LabelSelect", list(self.shape[:-1]) + [1], "UINT8", widths=(pe * self.bits(), 8), Labels=labels, PE=pe, K=1,
            inputDataType=self.dtype, outputDataType="UINT8", numInputVectors=list(self.shape[:-1]),
        )


def build_graph(input_shape: tuple, input_dtype: str, steps: list, seed: int = 0):
    """steps: (method, args, kwargs) calls on the builder, e.g. ("mvau", (64, 4, 8), {})."""
    from onnx import TensorProto, helper
    from qonnx.core.datatype import DataType
    from qonnx.core.modelwrapper import ModelWrapper
    from qonnx.util.basic import qonnx_make_model

    builder = _Builder(np.random.default_rng(seed), [], [], {}, {}, "inp", tuple(input_shape), input_dtype)
    for method, args, kwargs in steps:
        getattr(builder, method)(*args, **kwargs)
    inp = helper.make_tensor_value_info("inp", TensorProto.FLOAT, list(input_shape))
    final = builder.value_infos.pop()
    graph = helper.make_graph(builder.nodes, "random_dataflow", [inp], [final], value_info=builder.value_infos)
    model = ModelWrapper(qonnx_make_model(graph))
    model.set_tensor_datatype("inp", DataType[input_dtype])
    for name, dtype in builder.datatypes.items():
        model.set_tensor_datatype(name, DataType[dtype])
    for name, (value, dtype) in builder.initializers.items():
        model.set_initializer(name, value)
        model.set_tensor_datatype(name, DataType[dtype])
    return model


def random_inputs(rng, model, count: int) -> np.ndarray:
    from qonnx.core.datatype import DataType

    shape = model.get_tensor_shape("inp")
    dt = model.get_tensor_datatype("inp")
    if dt == DataType["BINARY"]:
        return rng.integers(0, 2, size=(count, *shape[1:])).astype(np.float32)
    return rng.integers(int(dt.min()), int(dt.max()) + 1, size=(count, *shape[1:])).astype(np.float32)


def finn_classes(model, inputs: np.ndarray) -> np.ndarray:
    """FINN's Python execution of the dataflow graph, one image at a time."""
    from qonnx.core.onnx_exec import execute_onnx

    out_name = model.graph.output[0].name
    return np.array([int(execute_onnx(model, {"inp": x[None]})[out_name].ravel()[0]) for x in inputs])
