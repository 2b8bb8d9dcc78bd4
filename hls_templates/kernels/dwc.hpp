// Stream width converter (FINN's StreamingDataWidthConverter), one frame per call.
//
// Re-slices IN_WORDS words of IN_W bits into words of OUT_W bits, keeping element order (element 0
// in the least significant bits), so any widths whose frame sizes agree work, not only multiples.
#ifndef HWNAS_DWC_HPP
#define HWNAS_DWC_HPP

#include "hwnas_common.hpp"

namespace hwnas {

template <unsigned IN_W, unsigned OUT_W, unsigned IN_WORDS>
void width_convert(hls::stream<ap_uint<IN_W> > &in, hls::stream<ap_uint<OUT_W> > &out) {
    static_assert((IN_W * IN_WORDS) % OUT_W == 0, "frame bits must fill whole output words");
    constexpr unsigned OUT_WORDS = IN_W * IN_WORDS / OUT_W;
    ap_uint<IN_W + OUT_W> buffer = 0;  // valid bits from bit 0 up
    unsigned fill = 0, words_read = 0, words_written = 0;
    while (words_written < OUT_WORDS) {
// A read and a write may share a cycle, the word read completing the word written: exactly
// max(IN_WORDS, OUT_WORDS) cycles, so a converter is never slower than both its neighbours.
#pragma HLS PIPELINE II = 1
        if (words_read < IN_WORDS && fill < OUT_W) {
            ap_uint<IN_W + OUT_W> word = in.read();
            buffer |= word << fill;
            fill += IN_W;
            words_read++;
        }
        if (fill >= OUT_W) {
            out.write(buffer(OUT_W - 1, 0));
            buffer >>= OUT_W;
            fill -= OUT_W;
            words_written++;
        }
    }
}

}  // namespace hwnas

#endif
