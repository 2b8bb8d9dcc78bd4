// Max pooling over sliding-window output (FINN's Pool with Function=MaxPool), one frame per call.
//
// Reads, for each of NUM_PIXELS output pixels, K2 = kernel area window positions of CH channels
// in im2col order (position outer, channels inner, PE channels per word), and writes the CH
// maxima as CH / PE words. Binary-encoded bipolar data is pooled as unsigned 1-bit values, which
// is the max of the bipolar values.
#ifndef HWNAS_POOL_HPP
#define HWNAS_POOL_HPP

#include "hwnas_common.hpp"

namespace hwnas {

template <unsigned CH, unsigned PE, unsigned K2, unsigned NUM_PIXELS, unsigned BITS, bool SIGNED>
void max_pool(hls::stream<ap_uint<PE * BITS> > &in, hls::stream<ap_uint<PE * BITS> > &out) {
    static_assert(CH % PE == 0, "PE must divide the channels");
    constexpr unsigned CF = CH / PE;
    ap_uint<PE * BITS> best[CF];
    unsigned k = 0, cf = 0;
    for (unsigned i = 0; i < NUM_PIXELS * K2 * CF; i++) {
// One input word per cycle: NUM_PIXELS * K2 * CH / PE cycles, the cost model's count.
#pragma HLS PIPELINE II = 1
        ap_uint<PE * BITS> x = in.read();
        ap_uint<PE * BITS> merged = x;
        if (k != 0) {
            ap_uint<PE * BITS> old = best[cf];
            for (unsigned pe = 0; pe < PE; pe++) {
#pragma HLS UNROLL
                ap_int<BITS + 1> a = element<BITS, SIGNED>(old, pe);
                ap_int<BITS + 1> b = element<BITS, SIGNED>(x, pe);
                set_element<BITS>(merged, pe, a > b ? a : b);
            }
        }
        best[cf] = merged;
        if (k == K2 - 1) {
            out.write(merged);
        }
        if (++cf == CF) {
            cf = 0;
            k = (k == K2 - 1) ? 0 : k + 1;
        }
    }
}

}  // namespace hwnas

#endif
