#include "harness_io.hpp"
#include "duplicate.hpp"

// Configuration from the command line (-DCFG_NAME=value): three branches, printed one after another.
constexpr unsigned W = CFG_W;
constexpr unsigned WORDS = CFG_WORDS;

int main() {
    unsigned frames = read_int();
    for (unsigned f = 0; f < frames; f++) {
        hls::stream<ap_uint<W> > in, out0, out1, out2;
        feed(in, WORDS);
        hwnas::duplicate<W, WORDS>(in, out0, out1, out2);
        if (!in.empty()) return 3;
        drain(out0);
        drain(out1);
        drain(out2);
    }
    return 0;
}
