#include "harness_io.hpp"
#include "dwc.hpp"

// Configuration from the command line (-DCFG_NAME=value).
constexpr unsigned IN_W = CFG_IN_W;
constexpr unsigned OUT_W = CFG_OUT_W;
constexpr unsigned IN_WORDS = CFG_IN_WORDS;

int main() {
    unsigned frames = read_int();
    for (unsigned f = 0; f < frames; f++) {
        hls::stream<ap_uint<IN_W> > in;
        hls::stream<ap_uint<OUT_W> > out;
        feed(in, IN_WORDS);
        hwnas::width_convert<IN_W, OUT_W, IN_WORDS>(in, out);
        if (!in.empty()) return 3;
        drain(out);
    }
    return 0;
}
