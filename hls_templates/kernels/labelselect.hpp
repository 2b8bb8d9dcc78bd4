// Top-1 label select (FINN's LabelSelect with K=1), one frame per call.
//
// Reads LABELS scores, PE per word, and writes the index of the largest; on a tie the lowest
// index wins, as ONNX TopK (FINN's Python execution) decides.
#ifndef HWNAS_LABELSELECT_HPP
#define HWNAS_LABELSELECT_HPP

#include "hwnas_common.hpp"

namespace hwnas {

template <unsigned LABELS, unsigned PE, unsigned BITS, bool SIGNED, unsigned OUT_BITS>
void label_select(hls::stream<ap_uint<PE * BITS> > &in, hls::stream<ap_uint<OUT_BITS> > &out) {
    static_assert(LABELS % PE == 0, "PE must divide the labels");
    ap_int<BITS + 1> best_value = 0;
    ap_uint<OUT_BITS> best_index = 0;
    for (unsigned nf = 0; nf < LABELS / PE; nf++) {
// One word per cycle: LABELS / PE cycles. The comparisons within a word chain combinationally.
#pragma HLS PIPELINE II = 1
        ap_uint<PE * BITS> x = in.read();
        for (unsigned pe = 0; pe < PE; pe++) {
#pragma HLS UNROLL
            ap_int<BITS + 1> v = element<BITS, SIGNED>(x, pe);
            unsigned index = nf * PE + pe;
            if (index == 0 || v > best_value) {
                best_value = v;
                best_index = index;
            }
        }
    }
    out.write(best_index);
}

}  // namespace hwnas

#endif
