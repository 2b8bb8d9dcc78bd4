// Sliding-window generator (FINN's ConvolutionInputGenerator), one frame per call.
//
// Input: IFM_H x IFM_W pixels in raster order, each as CH / SIMD words of SIMD channels.
// Output: for each output pixel (oy, ox) in raster order, the window in im2col order
// (ky, kx, channel word) - the order FINN's lowering gives the weight matrix rows, and the order
// the Pool kernel reads. Padding is a separate FMPadding layer, as in FINN.
//
// Two forms share one implementation, differing in how many of those SIMD-channel words go out
// together (GROUP):
//  - sliding_window (FINN's default windowing): one SIMD-channel word per output word;
//  - sliding_window_parallel (FINN's parallel_window=1): K_H * K_W consecutive words per output
//    word, K_H * K_W * SIMD elements; with SIMD = CH, which FINN requires outside depthwise units,
//    that is the whole window of a pixel. An output word is a plain reshape of the im2col element
//    sequence, as FINN's folded output shape (1, OFM_H, OFM_W, CH / SIMD, K_H * K_W * SIMD) is of
//    its normal shape: the elements and their order are the same in both forms, only the word
//    width differs.
//
// The input is kept in a circular buffer of ROWS input rows: the rows one output row spans plus
// STRIDE_H more, so reading the next rows overlaps writing the current output row.
#ifndef HWNAS_SWG_HPP
#define HWNAS_SWG_HPP

#include "hwnas_common.hpp"

namespace hwnas {

template <unsigned CH, unsigned IFM_H, unsigned IFM_W, unsigned OFM_H, unsigned OFM_W, unsigned K_H,
          unsigned K_W, unsigned STRIDE_H, unsigned STRIDE_W, unsigned DIL_H, unsigned DIL_W,
          unsigned SIMD, unsigned BITS, unsigned GROUP>
void sliding_window_grouped(hls::stream<ap_uint<SIMD * BITS> > &in, hls::stream<ap_uint<GROUP * SIMD * BITS> > &out) {
    static_assert(CH % SIMD == 0, "SIMD must divide the channels");
    static_assert((OFM_H - 1) * STRIDE_H + (K_H - 1) * DIL_H + 1 <= IFM_H, "window leaves the image (rows)");
    static_assert((OFM_W - 1) * STRIDE_W + (K_W - 1) * DIL_W + 1 <= IFM_W, "window leaves the image (columns)");
    constexpr unsigned CF = CH / SIMD;
    constexpr unsigned WINDOW_WORDS = K_H * K_W * CF;  // SIMD-channel words of one output pixel
    static_assert(WINDOW_WORDS % GROUP == 0, "a group of words must not straddle output pixels");
    constexpr unsigned GROUPS = WINDOW_WORDS / GROUP;  // output words per output pixel
    constexpr unsigned ROW_WORDS = IFM_W * CF;
    constexpr unsigned SPAN_ROWS = (K_H - 1) * DIL_H + 1;
    constexpr unsigned SPAN_WORDS = ((K_W - 1) * DIL_W + 1) * CF;
    constexpr unsigned ROWS = (SPAN_ROWS + STRIDE_H < IFM_H) ? SPAN_ROWS + STRIDE_H : IFM_H;
    constexpr unsigned IN_WORDS = IFM_H * ROW_WORDS;
    constexpr unsigned OUT_WORDS = OFM_H * OFM_W * GROUPS;

    ap_uint<SIMD * BITS> buffer[ROWS][ROW_WORDS];
// A group reads up to GROUP words of different rows and columns in one cycle: every row its own
// memory, and words less than a window's width apart in different banks.
#pragma HLS ARRAY_PARTITION variable = buffer complete dim = 1
#pragma HLS ARRAY_PARTITION variable = buffer cyclic factor = SPAN_WORDS dim = 2

    unsigned words_read = 0, read_row = 0, read_col = 0;  // read_col counts words within a row
    unsigned words_written = 0, oy = 0, ox = 0, group = 0;
    while (words_written < OUT_WORDS || words_read < IN_WORDS) {
// II=1 with a read and a write allowed in the same cycle: about max(in, out) words per frame, the
// cost model's count for both forms of the sliding window.
#pragma HLS PIPELINE II = 1
#pragma HLS DEPENDENCE variable = buffer inter false
        // Write first, from what was read in earlier iterations: the slot read below is never one
        // the current output row still needs. A group is complete once its last word (the latest
        // in raster order, as im2col order is raster order within the window) has been read.
        const unsigned last = group * GROUP + GROUP - 1;
        const unsigned last_row = oy * STRIDE_H + (last / (K_W * CF)) * DIL_H;
        const unsigned last_col = ox * STRIDE_W + ((last / CF) % K_W) * DIL_W;
        bool can_write = words_written < OUT_WORDS && words_read > last_row * ROW_WORDS + last_col * CF + last % CF;
        bool can_read = words_read < IN_WORDS && read_row < oy * STRIDE_H + ROWS;
        if (can_write) {
            ap_uint<GROUP * SIMD * BITS> word;
            for (unsigned g = 0; g < GROUP; g++) {
#pragma HLS UNROLL
                const unsigned position = group * GROUP + g;  // (ky, kx, cf) in im2col order
                const unsigned row = oy * STRIDE_H + (position / (K_W * CF)) * DIL_H;
                const unsigned col = ox * STRIDE_W + ((position / CF) % K_W) * DIL_W;
                word(g * SIMD * BITS + SIMD * BITS - 1, g * SIMD * BITS) = buffer[row % ROWS][col * CF + position % CF];
            }
            out.write(word);
            words_written++;
            if (++group == GROUPS) {
                group = 0;
                if (++ox == OFM_W) {
                    ox = 0;
                    oy++;
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

// FINN's default windowing: one SIMD-channel word per cycle.
template <unsigned CH, unsigned IFM_H, unsigned IFM_W, unsigned OFM_H, unsigned OFM_W, unsigned K_H,
          unsigned K_W, unsigned STRIDE_H, unsigned STRIDE_W, unsigned DIL_H, unsigned DIL_W,
          unsigned SIMD, unsigned BITS>
void sliding_window(hls::stream<ap_uint<SIMD * BITS> > &in, hls::stream<ap_uint<SIMD * BITS> > &out) {
#pragma HLS INLINE
    sliding_window_grouped<CH, IFM_H, IFM_W, OFM_H, OFM_W, K_H, K_W, STRIDE_H, STRIDE_W, DIL_H, DIL_W, SIMD, BITS, 1>(in, out);
}

// FINN's parallel_window=1: K_H * K_W words per cycle (the whole window where SIMD = CH).
template <unsigned CH, unsigned IFM_H, unsigned IFM_W, unsigned OFM_H, unsigned OFM_W, unsigned K_H,
          unsigned K_W, unsigned STRIDE_H, unsigned STRIDE_W, unsigned DIL_H, unsigned DIL_W,
          unsigned SIMD, unsigned BITS>
void sliding_window_parallel(hls::stream<ap_uint<SIMD * BITS> > &in, hls::stream<ap_uint<K_H * K_W * SIMD * BITS> > &out) {
#pragma HLS INLINE
    sliding_window_grouped<CH, IFM_H, IFM_W, OFM_H, OFM_W, K_H, K_W, STRIDE_H, STRIDE_W, DIL_H, DIL_W, SIMD, BITS, K_H * K_W>(in, out);
}

}  // namespace hwnas

#endif
