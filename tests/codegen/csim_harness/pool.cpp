#include "harness_io.hpp"
#include "pool.hpp"

// Configuration from the command line (-DCFG_NAME=value).
constexpr unsigned CH = CFG_CH;
constexpr unsigned PE = CFG_PE;
constexpr unsigned K2 = CFG_K2;
constexpr unsigned NUM_PIXELS = CFG_NUM_PIXELS;
constexpr unsigned BITS = CFG_BITS;
constexpr bool SIGNED = CFG_SIGNED;

int main() {
    unsigned frames = read_int();
    for (unsigned f = 0; f < frames; f++) {
        hls::stream<ap_uint<PE * BITS> > in;
        hls::stream<ap_uint<PE * BITS> > out;
        feed(in, NUM_PIXELS * K2 * CH / PE);
        hwnas::max_pool<CH, PE, K2, NUM_PIXELS, BITS, SIGNED>(in, out);
        if (!in.empty()) return 3;
        drain(out);
    }
    return 0;
}
