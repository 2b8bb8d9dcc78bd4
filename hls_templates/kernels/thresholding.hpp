// Standalone multi-threshold activation (FINN's Thresholding), one frame per call.
//
// NUM_VECS pixels of C channels, PE channels per stream word; channel c of a pixel is compared
// with thresholds[c % PE][c / PE][*] (FINN's PE-interleaved layout) and becomes
// #(x >= threshold) + BIAS (BIAS = ActVal, 0 for a bipolar output).
#ifndef HWNAS_THRESHOLDING_HPP
#define HWNAS_THRESHOLDING_HPP

#include "hwnas_common.hpp"

namespace hwnas {

template <unsigned C, unsigned PE, unsigned NUM_VECS, unsigned IN_BITS, bool IN_SIGNED, unsigned NT,
          unsigned OUT_BITS, int BIAS, typename TThr>
void thresholding(hls::stream<ap_uint<PE * IN_BITS> > &in, hls::stream<ap_uint<PE * OUT_BITS> > &out,
                  const TThr (&thresholds)[PE][C / PE][NT]) {
    static_assert(C % PE == 0, "PE must divide the channels");
    constexpr unsigned NF = C / PE;
    unsigned nf = 0;
    for (unsigned i = 0; i < NUM_VECS * NF; i++) {
// One word in and one out per cycle: NUM_VECS * C / PE cycles, the cost model's count.
#pragma HLS PIPELINE II = 1
        ap_uint<PE * IN_BITS> x = in.read();
        ap_uint<PE * OUT_BITS> y = 0;
        for (unsigned pe = 0; pe < PE; pe++) {
#pragma HLS UNROLL
            ap_int<IN_BITS + 1> v = element<IN_BITS, IN_SIGNED>(x, pe);
            set_element<OUT_BITS>(y, pe, ap_int<33>(count_thresholds<NT>(v, thresholds[pe][nf])) + BIAS);
        }
        out.write(y);
        nf = (nf == NF - 1) ? 0 : nf + 1;
    }
}

}  // namespace hwnas

#endif
