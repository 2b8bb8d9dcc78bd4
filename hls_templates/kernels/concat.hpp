// Channel concatenation of two or three streams (FINN's StreamingConcat), one frame per call.
//
// NUM_VECS pixels; input k carries Ck channels of INk_BITS-bit elements (signed if INk_SIGNED),
// SIMD per word; the output word holds SIMD elements of OUT_BITS bits. Per pixel, the C0 / SIMD
// words of input 0 go out first, then those of input 1 (and 2): one word per cycle, NUM_VECS *
// (C0 + C1 [+ C2]) / SIMD cycles per frame.
#ifndef HWNAS_CONCAT_HPP
#define HWNAS_CONCAT_HPP

#include "hwnas_common.hpp"

namespace hwnas {

template <unsigned SIMD, unsigned IN_BITS, bool IN_SIGNED, unsigned OUT_BITS>
ap_uint<SIMD * OUT_BITS> widen_word(const ap_uint<SIMD * IN_BITS> &word) {
#pragma HLS INLINE
    ap_uint<SIMD * OUT_BITS> y = 0;
    for (unsigned s = 0; s < SIMD; s++) {
#pragma HLS UNROLL
        set_element<OUT_BITS>(y, s, element<IN_BITS, IN_SIGNED>(word, s));
    }
    return y;
}

template <unsigned NUM_VECS, unsigned SIMD, unsigned C0, unsigned IN0_BITS, bool IN0_SIGNED, unsigned C1,
          unsigned IN1_BITS, bool IN1_SIGNED, unsigned OUT_BITS>
void concat(hls::stream<ap_uint<SIMD * IN0_BITS> > &in0, hls::stream<ap_uint<SIMD * IN1_BITS> > &in1,
            hls::stream<ap_uint<SIMD * OUT_BITS> > &out) {
    static_assert(C0 % SIMD == 0 && C1 % SIMD == 0, "SIMD must divide every input's channels");
    constexpr unsigned F0 = C0 / SIMD, FOLDS = (C0 + C1) / SIMD;
    unsigned f = 0;
    for (unsigned i = 0; i < NUM_VECS * FOLDS; i++) {
#pragma HLS PIPELINE II = 1
        if (f < F0) {
            out.write(widen_word<SIMD, IN0_BITS, IN0_SIGNED, OUT_BITS>(in0.read()));
        } else {
            out.write(widen_word<SIMD, IN1_BITS, IN1_SIGNED, OUT_BITS>(in1.read()));
        }
        f = (f == FOLDS - 1) ? 0 : f + 1;
    }
}

template <unsigned NUM_VECS, unsigned SIMD, unsigned C0, unsigned IN0_BITS, bool IN0_SIGNED, unsigned C1,
          unsigned IN1_BITS, bool IN1_SIGNED, unsigned C2, unsigned IN2_BITS, bool IN2_SIGNED, unsigned OUT_BITS>
void concat(hls::stream<ap_uint<SIMD * IN0_BITS> > &in0, hls::stream<ap_uint<SIMD * IN1_BITS> > &in1,
            hls::stream<ap_uint<SIMD * IN2_BITS> > &in2, hls::stream<ap_uint<SIMD * OUT_BITS> > &out) {
    static_assert(C0 % SIMD == 0 && C1 % SIMD == 0 && C2 % SIMD == 0, "SIMD must divide every input's channels");
    constexpr unsigned F0 = C0 / SIMD, F01 = (C0 + C1) / SIMD, FOLDS = (C0 + C1 + C2) / SIMD;
    unsigned f = 0;
    for (unsigned i = 0; i < NUM_VECS * FOLDS; i++) {
#pragma HLS PIPELINE II = 1
        if (f < F0) {
            out.write(widen_word<SIMD, IN0_BITS, IN0_SIGNED, OUT_BITS>(in0.read()));
        } else if (f < F01) {
            out.write(widen_word<SIMD, IN1_BITS, IN1_SIGNED, OUT_BITS>(in1.read()));
        } else {
            out.write(widen_word<SIMD, IN2_BITS, IN2_SIGNED, OUT_BITS>(in2.read()));
        }
        f = (f == FOLDS - 1) ? 0 : f + 1;
    }
}

}  // namespace hwnas

#endif
