// Folded matrix-vector-threshold unit (FINN's MVAU), one frame per call.
//
// MW inputs x MH outputs, computed by PE processing elements each taking SIMD inputs per cycle:
// SF = MW / SIMD words make one input vector, NF = MH / PE output words come out of it.
// Output channel c belongs to PE c % PE at neuron fold c / PE; weights are stored per PE as FINN
// lays them out (get_hw_compatible_weight_tensor): weights[pe][nf * SF + sf] holds the SIMD
// weights of that tile with input sf * SIMD + s in bit s, a set bit meaning +1 and a clear bit -1.
// TWeight is ap_uint<SIMD> for synthesis; any unsigned integer type holding SIMD bits works.
//
// Two modes:
//  - XNOR (binaryXnorMode): inputs are binary-encoded bipolar values; the accumulator is the
//    popcount of XNOR(weights, inputs), FINN's xnorpopcountmatmul.
//  - quantised input (first layer): inputs are IN_BITS integers (signed or not) times bipolar
//    weights, an ordinary dot product.
#ifndef HWNAS_MVAU_HPP
#define HWNAS_MVAU_HPP

#include "hwnas_common.hpp"

namespace hwnas {

// noActivation: the output is the accumulator itself.
struct NoActivation {
    template <typename TAcc>
    TAcc activate(unsigned /*nf*/, unsigned /*pe*/, const TAcc &acc) const {
#pragma HLS INLINE
        return acc;
    }
};

// Multi-threshold activation: out = #(acc >= threshold) + BIAS. Thresholds are laid out
// [PE][NF][NT] as FINN's get_hw_compatible_threshold_tensor does; BIAS is FINN's ActVal, and 0
// for a bipolar output (bit 1 meaning +1).
template <unsigned PE, unsigned NF, unsigned NT, typename TThr, int BIAS>
struct ThresholdActivation {
    const TThr (&thresholds)[PE][NF][NT];
    explicit ThresholdActivation(const TThr (&t)[PE][NF][NT]) : thresholds(t) {}

    template <typename TAcc>
    ap_int<33> activate(unsigned nf, unsigned pe, const TAcc &acc) const {
#pragma HLS INLINE
        return ap_int<33>(count_thresholds<NT>(acc, thresholds[pe][nf])) + BIAS;
    }
};

template <unsigned SIMD, unsigned IN_BITS, bool IN_SIGNED, bool XNOR, typename TAcc>
TAcc mvau_dot(const ap_uint<SIMD> &w, const ap_uint<SIMD * IN_BITS> &x) {
#pragma HLS INLINE
    TAcc sum = 0;
    for (unsigned s = 0; s < SIMD; s++) {
#pragma HLS UNROLL
        if (XNOR) {
            sum += (w[s] == x[s]) ? 1 : 0;
        } else {
            ap_int<IN_BITS + 1> v = element<IN_BITS, IN_SIGNED>(x, s);
            sum += w[s] ? TAcc(v) : TAcc(-v);
        }
    }
    return sum;
}

// One frame: NUM_VECS input vectors (output pixels for a lowered convolution, 1 for a linear
// layer). Cycles per frame are NUM_VECS * NF * SF, the cost model's count, provided the loop below
// reaches II=1: it reads one input word per cycle during the first neuron fold and replays the
// buffered vector for the others.
template <unsigned MW, unsigned MH, unsigned SIMD, unsigned PE, unsigned NUM_VECS, unsigned IN_BITS,
          bool IN_SIGNED, bool XNOR, unsigned OUT_BITS, typename TAcc, typename TWeight, typename TActivation>
void mvau(hls::stream<ap_uint<SIMD * IN_BITS> > &in, hls::stream<ap_uint<PE * OUT_BITS> > &out,
          const TWeight (&weights)[PE][(MH / PE) * (MW / SIMD)], const TActivation &activation) {
    static_assert(MW % SIMD == 0, "SIMD must divide MW");
    static_assert(MH % PE == 0, "PE must divide MH");
    static_assert(!XNOR || IN_BITS == 1, "XNOR mode takes 1-bit inputs");
    constexpr unsigned SF = MW / SIMD;
    constexpr unsigned NF = MH / PE;

    ap_uint<SIMD * IN_BITS> input_buffer[SF];
    TAcc acc[PE];
#pragma HLS ARRAY_PARTITION variable = acc complete

    unsigned sf = 0;
    unsigned nf = 0;
    for (unsigned i = 0; i < NUM_VECS * NF * SF; i++) {
// II=1 is the cost model's assumption: one weight tile per PE and one input word per cycle. It
// needs weights partitioned per PE (done where the weight array is declared) and acc complete.
#pragma HLS PIPELINE II = 1
        ap_uint<SIMD * IN_BITS> x;
        if (nf == 0) {
            x = in.read();
            input_buffer[sf] = x;
        } else {
            x = input_buffer[sf];
        }
        ap_uint<PE * OUT_BITS> result = 0;
        for (unsigned pe = 0; pe < PE; pe++) {
#pragma HLS UNROLL
            ap_uint<SIMD> w = weights[pe][nf * SF + sf];
            TAcc partial = mvau_dot<SIMD, IN_BITS, IN_SIGNED, XNOR, TAcc>(w, x);
            TAcc total = (sf == 0) ? partial : TAcc(acc[pe] + partial);
            acc[pe] = total;
            set_element<OUT_BITS>(result, pe, activation.activate(nf, pe, total));
        }
        if (sf == SF - 1) {
            out.write(result);
            sf = 0;
            nf = (nf == NF - 1) ? 0 : nf + 1;
        } else {
            sf++;
        }
    }
}

}  // namespace hwnas

#endif
