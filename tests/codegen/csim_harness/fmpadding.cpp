#include "harness_io.hpp"
#include "fmpadding.hpp"

// Configuration from the command line (-DCFG_NAME=value).
constexpr unsigned IN_H = CFG_IN_H;
constexpr unsigned IN_W = CFG_IN_W;
constexpr unsigned PAD_TOP = CFG_PAD_TOP;
constexpr unsigned PAD_LEFT = CFG_PAD_LEFT;
constexpr unsigned PAD_BOTTOM = CFG_PAD_BOTTOM;
constexpr unsigned PAD_RIGHT = CFG_PAD_RIGHT;
constexpr unsigned CH = CFG_CH;
constexpr unsigned SIMD = CFG_SIMD;
constexpr unsigned BITS = CFG_BITS;

int main() {
    unsigned frames = read_int();
    for (unsigned f = 0; f < frames; f++) {
        hls::stream<ap_uint<SIMD * BITS> > in;
        hls::stream<ap_uint<SIMD * BITS> > out;
        feed(in, IN_H * IN_W * CH / SIMD);
        hwnas::fm_padding<IN_H, IN_W, PAD_TOP, PAD_LEFT, PAD_BOTTOM, PAD_RIGHT, CH, SIMD, BITS>(in, out);
        if (!in.empty()) return 3;
        drain(out);
    }
    return 0;
}
