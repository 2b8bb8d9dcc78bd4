// The AXI-Stream word of the accelerator's DMA-facing ports: data plus the TKEEP/TSTRB/TLAST side
// channels AMD's AXI DMA needs (TLAST ends every S2MM transfer).
//
// Vitis HLS (2022.2 or newer) provides ap_axiu in ap_axi_sdata.h. The Apache-2.0 headers hwnas uses
// for g++ C-simulation without Vitis lack it; there a plain struct with the same fields stands in,
// which is all a C-simulation needs.
#ifndef HWNAS_AXIS_HPP
#define HWNAS_AXIS_HPP

#include <ap_int.h>

#if defined(__has_include)
#if __has_include(<ap_axi_sdata.h>)
#define HWNAS_HAVE_AP_AXI_SDATA 1
#endif
#endif

#ifdef HWNAS_HAVE_AP_AXI_SDATA
#include <ap_axi_sdata.h>
template <int W>
struct hwnas_axis {
    typedef ap_axiu<W, 0, 0, 0> word;
};
#else
template <int W>
struct hwnas_axis {
    struct word {
        ap_uint<W> data;
        ap_uint<W / 8> keep;
        ap_uint<W / 8> strb;
        ap_uint<1> last;
    };
};
#endif

#endif
