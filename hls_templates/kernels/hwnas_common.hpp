// Shared helpers of hwnas's streaming layers.
//
// Stream words pack their elements as FINN does: element 0 in the least significant bits.
// Every kernel processes one frame (one image) per call; the top-level dataflow function calls
// each layer once per image.
#ifndef HWNAS_COMMON_HPP
#define HWNAS_COMMON_HPP

#include <ap_int.h>
#include <hls_stream.h>

namespace hwnas {

// Element i of a packed word, widened by one bit so that signed and unsigned values share a type.
template <unsigned BITS, bool SIGNED, int W>
ap_int<BITS + 1> element(const ap_uint<W> &word, unsigned i) {
#pragma HLS INLINE
    ap_uint<BITS> raw = word(i * BITS + BITS - 1, i * BITS);
    if (SIGNED) {
        return ap_int<BITS>(raw);
    }
    return ap_int<BITS + 1>(ap_uint<BITS + 1>(raw));
}

// Write the low BITS bits of value into element slot i of word (two's complement for negatives).
template <unsigned BITS, int W, typename T>
void set_element(ap_uint<W> &word, unsigned i, const T &value) {
#pragma HLS INLINE
    ap_int<BITS> narrowed = value;
    word(i * BITS + BITS - 1, i * BITS) = ap_uint<BITS>(narrowed);
}

// Number of thresholds value reaches (value >= threshold), as FINN's MultiThreshold counts.
template <unsigned NT, typename TAcc, typename TThr>
ap_uint<32> count_thresholds(const TAcc &value, const TThr (&thresholds)[NT]) {
#pragma HLS INLINE
    ap_uint<32> count = 0;
    for (unsigned t = 0; t < NT; t++) {
#pragma HLS UNROLL
        count += (value >= thresholds[t]) ? 1 : 0;
    }
    return count;
}

}  // namespace hwnas

#endif
