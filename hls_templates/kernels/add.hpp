// Element-wise sum of two streams (FINN's ElementwiseAdd), one frame per call.
//
// WORDS words per input, PE elements per word; lhs elements are LHS_BITS wide (two's complement if
// LHS_SIGNED), rhs elements RHS_BITS, the sum OUT_BITS (FINN's out_dtype, wide enough for it).
// One word from each input and one out per cycle: WORDS cycles per frame.
#ifndef HWNAS_ADD_HPP
#define HWNAS_ADD_HPP

#include "hwnas_common.hpp"

namespace hwnas {

template <unsigned PE, unsigned WORDS, unsigned LHS_BITS, bool LHS_SIGNED, unsigned RHS_BITS, bool RHS_SIGNED,
          unsigned OUT_BITS>
void elementwise_add(hls::stream<ap_uint<PE * LHS_BITS> > &lhs, hls::stream<ap_uint<PE * RHS_BITS> > &rhs,
                     hls::stream<ap_uint<PE * OUT_BITS> > &out) {
    for (unsigned i = 0; i < WORDS; i++) {
#pragma HLS PIPELINE II = 1
        ap_uint<PE * LHS_BITS> a = lhs.read();
        ap_uint<PE * RHS_BITS> b = rhs.read();
        ap_uint<PE * OUT_BITS> y = 0;
        for (unsigned pe = 0; pe < PE; pe++) {
#pragma HLS UNROLL
            ap_int<OUT_BITS + 1> sum = ap_int<OUT_BITS + 1>(element<LHS_BITS, LHS_SIGNED>(a, pe)) +
                                       ap_int<OUT_BITS + 1>(element<RHS_BITS, RHS_SIGNED>(b, pe));
            set_element<OUT_BITS>(y, pe, sum);
        }
        out.write(y);
    }
}

}  // namespace hwnas

#endif
