// Text I/O for the kernel test harnesses: whitespace-separated tokens on stdin, hex words ("0x...")
// and decimal integers; output words as hex, one per line.
#ifndef HWNAS_HARNESS_IO_HPP
#define HWNAS_HARNESS_IO_HPP

#include <iostream>
#include <string>

#include <ap_int.h>
#include <hls_stream.h>

template <int W>
ap_uint<W> read_word() {
    std::string token;
    std::cin >> token;
    return ap_uint<W>(token.c_str(), 16);
}

inline long long read_int() {
    long long v;
    std::cin >> v;
    return v;
}

template <int W>
void feed(hls::stream<ap_uint<W> > &s, unsigned words) {
    for (unsigned i = 0; i < words; i++) {
        s.write(read_word<W>());
    }
}

template <int W>
void drain(hls::stream<ap_uint<W> > &s) {
    while (!s.empty()) {
        std::cout << s.read().to_string(16) << "\n";
    }
}

#endif
