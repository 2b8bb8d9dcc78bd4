// Zero padding around a feature map (FINN's FMPadding), one frame per call.
//
// Pixels in raster order, CH / SIMD words per pixel; padded pixels are all-zero words (for
// binary-encoded bipolar data that is -1, as in FINN's hardware).
#ifndef HWNAS_FMPADDING_HPP
#define HWNAS_FMPADDING_HPP

#include "hwnas_common.hpp"

namespace hwnas {

template <unsigned IN_H, unsigned IN_W, unsigned PAD_TOP, unsigned PAD_LEFT, unsigned PAD_BOTTOM,
          unsigned PAD_RIGHT, unsigned CH, unsigned SIMD, unsigned BITS>
void fm_padding(hls::stream<ap_uint<SIMD * BITS> > &in, hls::stream<ap_uint<SIMD * BITS> > &out) {
    static_assert(CH % SIMD == 0, "SIMD must divide the channels");
    constexpr unsigned CF = CH / SIMD;
    constexpr unsigned OUT_H = IN_H + PAD_TOP + PAD_BOTTOM;
    constexpr unsigned OUT_W = IN_W + PAD_LEFT + PAD_RIGHT;
    unsigned y = 0, x = 0, cf = 0;
    for (unsigned i = 0; i < OUT_H * OUT_W * CF; i++) {
// One output word per cycle: the cost model's OUT_H * OUT_W * CH / SIMD cycles.
#pragma HLS PIPELINE II = 1
        bool inside = y >= PAD_TOP && y < PAD_TOP + IN_H && x >= PAD_LEFT && x < PAD_LEFT + IN_W;
        out.write(inside ? in.read() : ap_uint<SIMD * BITS>(0));
        if (++cf == CF) {
            cf = 0;
            if (++x == OUT_W) {
                x = 0;
                y++;
            }
        }
    }
}

}  // namespace hwnas

#endif
