#include "harness_io.hpp"
#include "concat.hpp"

// Configuration from the command line (-DCFG_NAME=value); C2 = 0: two inputs.
constexpr unsigned NUM_VECS = CFG_NUM_VECS;
constexpr unsigned SIMD = CFG_SIMD;
constexpr unsigned C0 = CFG_C0, IN0_BITS = CFG_IN0_BITS;
constexpr bool IN0_SIGNED = CFG_IN0_SIGNED;
constexpr unsigned C1 = CFG_C1, IN1_BITS = CFG_IN1_BITS;
constexpr bool IN1_SIGNED = CFG_IN1_SIGNED;
constexpr unsigned C2 = CFG_C2, IN2_BITS = CFG_IN2_BITS;
constexpr bool IN2_SIGNED = CFG_IN2_SIGNED;
constexpr unsigned OUT_BITS = CFG_OUT_BITS;

int main() {
    unsigned frames = read_int();
    for (unsigned f = 0; f < frames; f++) {
        hls::stream<ap_uint<SIMD * IN0_BITS> > in0;
        hls::stream<ap_uint<SIMD * IN1_BITS> > in1;
        hls::stream<ap_uint<SIMD * IN2_BITS> > in2;
        hls::stream<ap_uint<SIMD * OUT_BITS> > out;
        feed(in0, NUM_VECS * C0 / SIMD);
        feed(in1, NUM_VECS * C1 / SIMD);
        feed(in2, NUM_VECS * C2 / SIMD);
#if CFG_C2 == 0
        hwnas::concat<NUM_VECS, SIMD, C0, IN0_BITS, IN0_SIGNED, C1, IN1_BITS, IN1_SIGNED, OUT_BITS>(in0, in1, out);
#else
        hwnas::concat<NUM_VECS, SIMD, C0, IN0_BITS, IN0_SIGNED, C1, IN1_BITS, IN1_SIGNED, C2, IN2_BITS, IN2_SIGNED,
                      OUT_BITS>(in0, in1, in2, out);
#endif
        if (!in0.empty() || !in1.empty() || !in2.empty()) return 3;
        drain(out);
    }
    return 0;
}
