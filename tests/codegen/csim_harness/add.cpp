#include "harness_io.hpp"
#include "add.hpp"

// Configuration from the command line (-DCFG_NAME=value).
constexpr unsigned PE = CFG_PE;
constexpr unsigned WORDS = CFG_WORDS;
constexpr unsigned LHS_BITS = CFG_LHS_BITS;
constexpr bool LHS_SIGNED = CFG_LHS_SIGNED;
constexpr unsigned RHS_BITS = CFG_RHS_BITS;
constexpr bool RHS_SIGNED = CFG_RHS_SIGNED;
constexpr unsigned OUT_BITS = CFG_OUT_BITS;

int main() {
    unsigned frames = read_int();
    for (unsigned f = 0; f < frames; f++) {
        hls::stream<ap_uint<PE * LHS_BITS> > lhs;
        hls::stream<ap_uint<PE * RHS_BITS> > rhs;
        hls::stream<ap_uint<PE * OUT_BITS> > out;
        feed(lhs, WORDS);
        feed(rhs, WORDS);
        hwnas::elementwise_add<PE, WORDS, LHS_BITS, LHS_SIGNED, RHS_BITS, RHS_SIGNED, OUT_BITS>(lhs, rhs, out);
        if (!lhs.empty() || !rhs.empty()) return 3;
        drain(out);
    }
    return 0;
}
