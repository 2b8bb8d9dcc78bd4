// Standalone multi-threshold activation (FINN's Thresholding), hls_templates/kernels/thresholding.hpp
// in RTL.
//
// Parameters (the HLS template's, C named CHANNELS, plus the table's width and file):
//   CHANNELS      channels per pixel; PE channels per stream word, NF = CHANNELS/PE words a pixel
//   NUM_VECS      pixels per frame (documents the frame; the fold counter wraps per pixel)
//   IN_BITS       input element width; IN_SIGNED (0/1) two's complement or unsigned
//   NT            thresholds per channel (at least 1)
//   OUT_BITS      output element width
//   BIAS          added to the threshold count (FINN's ActVal; 0 for a bipolar output, bit 1 = +1)
//   THR_BITS      signed width of the thresholds (codegen/layers.py's thr_bits)
//   THRESHOLD_FILE $readmemh file: NF lines of PE*NT*THR_BITS bits, threshold t of PE p at fold nf
//                 in bits [(p*NT+t)*THR_BITS +: THR_BITS] of line nf (hwnas/rtl/memfiles.py)
// Ports: in0 (PE*IN_BITS bits), out0 (PE*OUT_BITS bits); element p of the nf-th word of a pixel is
// channel nf*PE+p, and becomes #(x >= threshold) + BIAS, truncated to OUT_BITS.
//
// One word in and one out per cycle (NUM_VECS*NF cycles a frame). The thresholds of the next fold
// are read from a synchronous-read ROM one cycle ahead; the result goes to an output register with a
// skid register behind it, so in0_tready and out0_tvalid both come from flip-flops.
module hwnas_thresholding #(
    parameter int CHANNELS = 4,
    parameter int PE = 1,
    parameter int NUM_VECS = 1,
    parameter int IN_BITS = 8,
    parameter int IN_SIGNED = 1,
    parameter int NT = 1,
    parameter int OUT_BITS = 1,
    parameter int BIAS = 0,
    parameter int THR_BITS = 8,
    parameter THRESHOLD_FILE = ""
) (
    input  logic                   ap_clk,
    input  logic                   ap_rst_n,
    input  logic [PE*IN_BITS-1:0]  in0_tdata,
    input  logic                   in0_tvalid,
    output logic                   in0_tready,
    output logic [PE*OUT_BITS-1:0] out0_tdata,
    output logic                   out0_tvalid,
    input  logic                   out0_tready
);
    localparam int NF = CHANNELS / PE;
    localparam int NFW = NF > 1 ? $clog2(NF) : 1;
    localparam int THW = PE * NT * THR_BITS;
    localparam int OW = PE * OUT_BITS;
    // wide enough for both an input element (sign- or zero-extended) and a threshold
    localparam int CW = (IN_BITS + 1 > THR_BITS ? IN_BITS + 1 : THR_BITS);

    logic skid_valid;
    assign in0_tready = !skid_valid;
    wire fire = in0_tvalid && !skid_valid;

    logic [NFW-1:0] nf;
    wire [NFW-1:0] nf_next = nf == NFW'(NF - 1) ? '0 : nf + 1'b1;
    always_ff @(posedge ap_clk) begin
        if (!ap_rst_n) begin
            nf <= '0;
        end else if (fire) begin
            nf <= nf_next;
        end
    end

    // thr holds the thresholds of fold nf: read at the address nf takes next
    logic [THW-1:0] tmem [0:NF-1];
    initial begin
        if (THRESHOLD_FILE != "") $readmemh(THRESHOLD_FILE, tmem);
    end
    logic [THW-1:0] thr;
    wire [NFW-1:0] thr_addr = !ap_rst_n ? '0 : fire ? nf_next : nf;
    always_ff @(posedge ap_clk) begin
        thr <= tmem[thr_addr];
    end

    logic [OW-1:0] result;
    generate
        for (genvar p = 0; p < PE; p++) begin : g_pe
            logic signed [CW-1:0] value;
            logic signed [31:0] level;
            assign value = $signed({IN_SIGNED != 0 ? in0_tdata[p * IN_BITS + IN_BITS - 1] : 1'b0,
                                    in0_tdata[p * IN_BITS +: IN_BITS]});
            always_comb begin
                level = BIAS;
                for (int t = 0; t < NT; t++) begin
                    if (value >= $signed(thr[(p * NT + t) * THR_BITS +: THR_BITS])) begin
                        level = level + 1;
                    end
                end
            end
            assign result[p * OUT_BITS +: OUT_BITS] = level[OUT_BITS-1:0];
        end
    endgenerate

    logic [OW-1:0] skid;
    always_ff @(posedge ap_clk) begin
        if (!ap_rst_n) begin
            out0_tvalid <= 1'b0;
            skid_valid <= 1'b0;
        end else if (out0_tvalid && !out0_tready) begin
            if (fire) begin
                skid <= result;
                skid_valid <= 1'b1;
            end
        end else if (skid_valid) begin
            out0_tdata <= skid;
            out0_tvalid <= 1'b1;
            skid_valid <= 1'b0;
        end else begin
            out0_tvalid <= fire;
            if (fire) begin
                out0_tdata <= result;
            end
        end
    end
endmodule
