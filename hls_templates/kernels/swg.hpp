// Sliding-window generator (FINN's ConvolutionInputGenerator), one frame per call.
//
// Input: IFM_H x IFM_W pixels in raster order, each as CH / SIMD words of SIMD channels.
// Output: for each output pixel (oy, ox) in raster order, the window in im2col order
// (ky, kx, channel word) - the order FINN's lowering gives the weight matrix rows, and the order
// the Pool kernel reads. Padding is a separate FMPadding layer, as in FINN.
//
// The input is kept in a circular buffer of ROWS input rows: the rows one output row spans plus
// STRIDE_H more, so reading the next rows overlaps writing the current output row.
#ifndef HWNAS_SWG_HPP
#define HWNAS_SWG_HPP

#include "hwnas_common.hpp"

namespace hwnas {

template <unsigned CH, unsigned IFM_H, unsigned IFM_W, unsigned OFM_H, unsigned OFM_W, unsigned K_H,
          unsigned K_W, unsigned STRIDE_H, unsigned STRIDE_W, unsigned DIL_H, unsigned DIL_W,
          unsigned SIMD, unsigned BITS>
void sliding_window(hls::stream<ap_uint<SIMD * BITS> > &in, hls::stream<ap_uint<SIMD * BITS> > &out) {
    static_assert(CH % SIMD == 0, "SIMD must divide the channels");
    static_assert((OFM_H - 1) * STRIDE_H + (K_H - 1) * DIL_H + 1 <= IFM_H, "window leaves the image (rows)");
    static_assert((OFM_W - 1) * STRIDE_W + (K_W - 1) * DIL_W + 1 <= IFM_W, "window leaves the image (columns)");
    constexpr unsigned CF = CH / SIMD;
    constexpr unsigned ROW_WORDS = IFM_W * CF;
    constexpr unsigned SPAN_ROWS = (K_H - 1) * DIL_H + 1;
    constexpr unsigned ROWS = (SPAN_ROWS + STRIDE_H < IFM_H) ? SPAN_ROWS + STRIDE_H : IFM_H;
    constexpr unsigned IN_WORDS = IFM_H * ROW_WORDS;
    constexpr unsigned OUT_WORDS = OFM_H * OFM_W * K_H * K_W * CF;

    ap_uint<SIMD * BITS> buffer[ROWS][ROW_WORDS];

    unsigned words_read = 0, read_row = 0, read_col = 0;  // read_col counts words within a row
    unsigned words_written = 0, oy = 0, ox = 0, ky = 0, kx = 0, cf = 0;
    while (words_written < OUT_WORDS || words_read < IN_WORDS) {
// II=1 with a read and a write allowed in the same cycle: about max(in, out) words per frame, the
// cost model's count for the sliding window.
#pragma HLS PIPELINE II = 1
#pragma HLS DEPENDENCE variable = buffer inter false
        // Write first, from what was read in earlier iterations: the slot read below is never one
        // the current output row still needs.
        unsigned row = oy * STRIDE_H + ky * DIL_H;
        unsigned col = ox * STRIDE_W + kx * DIL_W;
        bool can_write = words_written < OUT_WORDS && words_read > row * ROW_WORDS + col * CF + cf;
        bool can_read = words_read < IN_WORDS && read_row < oy * STRIDE_H + ROWS;
        if (can_write) {
            out.write(buffer[row % ROWS][col * CF + cf]);
            words_written++;
            if (++cf == CF) {
                cf = 0;
                if (++kx == K_W) {
                    kx = 0;
                    if (++ky == K_H) {
                        ky = 0;
                        if (++ox == OFM_W) {
                            ox = 0;
                            oy++;
                        }
                    }
                }
            }
        }
        if (can_read) {
            buffer[read_row % ROWS][read_col] = in.read();
            words_read++;
            if (++read_col == ROW_WORDS) {
                read_col = 0;
                read_row++;
            }
        }
    }
}

}  // namespace hwnas

#endif
