// Runs hwnas::mvau on FRAMES frames: stdin holds weights (hex, [PE][TILES]), thresholds (decimal,
// [PE][NF][NT], when NT > 0), the frame count and the input words.
#include "harness_io.hpp"
#include "mvau.hpp"

// Configuration from the command line (-DCFG_NAME=value).
constexpr unsigned MW = CFG_MW;
constexpr unsigned MH = CFG_MH;
constexpr unsigned SIMD = CFG_SIMD;
constexpr unsigned PE = CFG_PE;
constexpr unsigned NUM_VECS = CFG_NUM_VECS;
constexpr unsigned IN_BITS = CFG_IN_BITS;
constexpr bool IN_SIGNED = CFG_IN_SIGNED;
constexpr bool XNOR = CFG_XNOR;
constexpr unsigned OUT_BITS = CFG_OUT_BITS;
constexpr unsigned NT = CFG_NT;
constexpr int BIAS = CFG_BIAS;

constexpr unsigned SF = MW / SIMD, NF = MH / PE;
typedef ap_int<24> TAcc;
static ap_uint<SIMD> weights[PE][NF * SF];
#if CFG_NT > 0
static TAcc thresholds[PE][NF][NT];
#endif

int main() {
    for (unsigned p = 0; p < PE; p++)
        for (unsigned t = 0; t < NF * SF; t++) weights[p][t] = read_word<SIMD>();
#if CFG_NT > 0
    for (unsigned p = 0; p < PE; p++)
        for (unsigned n = 0; n < NF; n++)
            for (unsigned t = 0; t < NT; t++) thresholds[p][n][t] = read_int();
    hwnas::ThresholdActivation<PE, NF, NT, TAcc, BIAS> activation(thresholds);
#else
    hwnas::NoActivation activation;
#endif
    unsigned frames = read_int();
    for (unsigned f = 0; f < frames; f++) {
        hls::stream<ap_uint<SIMD * IN_BITS> > in;
        hls::stream<ap_uint<PE * OUT_BITS> > out;
        feed(in, NUM_VECS * SF);
        hwnas::mvau<MW, MH, SIMD, PE, NUM_VECS, IN_BITS, IN_SIGNED, XNOR, OUT_BITS, TAcc>(in, out, weights, activation);
        if (!in.empty()) return 3;
        drain(out);
    }
    return 0;
}
