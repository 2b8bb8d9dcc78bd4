#include "harness_io.hpp"
#include "thresholding.hpp"

// Configuration from the command line (-DCFG_NAME=value).
constexpr unsigned C = CFG_C;
constexpr unsigned PE = CFG_PE;
constexpr unsigned NUM_VECS = CFG_NUM_VECS;
constexpr unsigned IN_BITS = CFG_IN_BITS;
constexpr bool IN_SIGNED = CFG_IN_SIGNED;
constexpr unsigned NT = CFG_NT;
constexpr unsigned OUT_BITS = CFG_OUT_BITS;
constexpr int BIAS = CFG_BIAS;

typedef ap_int<24> TThr;
static TThr thresholds[PE][C / PE][NT];

int main() {
    for (unsigned p = 0; p < PE; p++)
        for (unsigned n = 0; n < C / PE; n++)
            for (unsigned t = 0; t < NT; t++) thresholds[p][n][t] = read_int();
    unsigned frames = read_int();
    for (unsigned f = 0; f < frames; f++) {
        hls::stream<ap_uint<PE * IN_BITS> > in;
        hls::stream<ap_uint<PE * OUT_BITS> > out;
        feed(in, NUM_VECS * C / PE);
        hwnas::thresholding<C, PE, NUM_VECS, IN_BITS, IN_SIGNED, NT, OUT_BITS, BIAS>(in, out, thresholds);
        if (!in.empty()) return 3;
        drain(out);
    }
    return 0;
}
