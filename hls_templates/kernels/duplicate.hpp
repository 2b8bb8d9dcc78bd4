// Stream fan-out (FINN's DuplicateStreams) to any number of branches, one frame per call.
//
// Every word of the input goes to each output in the same cycle: WORDS cycles per frame. A branch
// that falls behind holds its siblings back through the shared loop, which is why the FIFO on the
// shorter path of a reconverging pair must be deep enough (hwnas.sim sizes it).
#ifndef HWNAS_DUPLICATE_HPP
#define HWNAS_DUPLICATE_HPP

#include "hwnas_common.hpp"

namespace hwnas {

template <int W>
void write_each(const ap_uint<W> &) {}

template <int W, typename... Rest>
void write_each(const ap_uint<W> &word, hls::stream<ap_uint<W> > &first, Rest &...rest) {
#pragma HLS INLINE
    first.write(word);
    write_each<W>(word, rest...);
}

template <unsigned W, unsigned WORDS, typename... Outs>
void duplicate(hls::stream<ap_uint<W> > &in, Outs &...outs) {
    static_assert(sizeof...(Outs) >= 2, "a fan-out has at least two branches");
    for (unsigned i = 0; i < WORDS; i++) {
#pragma HLS PIPELINE II = 1
        write_each<W>(in.read(), outs...);
    }
}

}  // namespace hwnas

#endif
