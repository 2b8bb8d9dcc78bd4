#include "harness_io.hpp"
#include "swg.hpp"

// Configuration from the command line (-DCFG_NAME=value).
constexpr unsigned CH = CFG_CH;
constexpr unsigned IFM_H = CFG_IFM_H;
constexpr unsigned IFM_W = CFG_IFM_W;
constexpr unsigned OFM_H = CFG_OFM_H;
constexpr unsigned OFM_W = CFG_OFM_W;
constexpr unsigned K_H = CFG_K_H;
constexpr unsigned K_W = CFG_K_W;
constexpr unsigned STRIDE_H = CFG_STRIDE_H;
constexpr unsigned STRIDE_W = CFG_STRIDE_W;
constexpr unsigned DIL_H = CFG_DIL_H;
constexpr unsigned DIL_W = CFG_DIL_W;
constexpr unsigned SIMD = CFG_SIMD;
constexpr unsigned BITS = CFG_BITS;
// 1: FINN's default windowing; K_H * K_W: parallel_window=1
constexpr unsigned GROUP = CFG_GROUP;

int main() {
    unsigned frames = read_int();
    for (unsigned f = 0; f < frames; f++) {
        hls::stream<ap_uint<SIMD * BITS> > in;
        hls::stream<ap_uint<GROUP * SIMD * BITS> > out;
        feed(in, IFM_H * IFM_W * CH / SIMD);
        #if CFG_GROUP == 1
        hwnas::sliding_window<CH, IFM_H, IFM_W, OFM_H, OFM_W, K_H, K_W, STRIDE_H, STRIDE_W, DIL_H, DIL_W, SIMD, BITS>(in, out);
#else
        hwnas::sliding_window_parallel<CH, IFM_H, IFM_W, OFM_H, OFM_W, K_H, K_W, STRIDE_H, STRIDE_W, DIL_H, DIL_W, SIMD, BITS>(in, out);
#endif
        if (!in.empty()) return 3;
        drain(out);
    }
    return 0;
}
