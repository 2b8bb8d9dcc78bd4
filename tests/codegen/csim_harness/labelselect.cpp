#include "harness_io.hpp"
#include "labelselect.hpp"

// Configuration from the command line (-DCFG_NAME=value).
constexpr unsigned LABELS = CFG_LABELS;
constexpr unsigned PE = CFG_PE;
constexpr unsigned BITS = CFG_BITS;
constexpr bool SIGNED = CFG_SIGNED;
constexpr unsigned OUT_BITS = CFG_OUT_BITS;

int main() {
    unsigned frames = read_int();
    for (unsigned f = 0; f < frames; f++) {
        hls::stream<ap_uint<PE * BITS> > in;
        hls::stream<ap_uint<OUT_BITS> > out;
        feed(in, LABELS / PE);
        hwnas::label_select<LABELS, PE, BITS, SIGNED, OUT_BITS>(in, out);
        if (!in.empty()) return 3;
        drain(out);
    }
    return 0;
}
