// Folded matrix-vector-threshold unit (FINN's MVAU), hls_templates/kernels/mvau.hpp in RTL.
//
// Parameters (the HLS template's, plus the tables' widths and files):
//   MW, MH        matrix size: MW inputs, MH outputs
//   PE, SIMD      folding: PE outputs and SIMD inputs per cycle; SF = MW/SIMD, NF = MH/PE
//   NUM_VECS      input vectors per frame (documents the frame; the counters wrap per vector)
//   IN_BITS       input element width; IN_SIGNED (0/1) two's complement or unsigned
//   XNOR          1: binary inputs, accumulator = popcount(XNOR(weights, inputs)) (IN_BITS = 1);
//                 0: quantised inputs times bipolar weights (bit 1 = +1, bit 0 = -1)
//   OUT_BITS      output element width
//   ACC_BITS      signed width of the accumulator (codegen/layers.py's acc_bits); it wraps at it
//                 as the HLS kernel's ap_int<ACC_BITS> does, and thresholds are ACC_BITS wide
//   NT            thresholds per output channel; 0 = no activation (output = the accumulator,
//                 sign-extended or truncated to OUT_BITS)
//   BIAS          added to the threshold count (FINN's ActVal; 0 for a bipolar output, bit 1 = +1)
//   WEIGHT_FILE   $readmemh file: NF*SF lines of PE*SIMD bits, line nf*SF+sf, PE p in bits
//                 [p*SIMD +: SIMD], input sf*SIMD+s in bit s of its PE's slice
//   THRESHOLD_FILE $readmemh file: NF lines of PE*NT*ACC_BITS bits, threshold t of PE p in bits
//                 [(p*NT+t)*ACC_BITS +: ACC_BITS] (hwnas/rtl/memfiles.py writes both)
// Ports: in0 (SIMD*IN_BITS bits, element s in bits [s*IN_BITS +: IN_BITS]), out0 (PE*OUT_BITS bits,
// output channel nf*PE+p in element p of the nf-th word of a vector).
//
// Word order as the HLS kernel: per input vector, SF input words are read during the first neuron
// fold (nf = 0) into an SF-deep buffer and replayed for the other NF-1 folds; each fold writes one
// output word after its SF-th cycle. One (nf, sf) step per cycle: NUM_VECS*NF*SF cycles a frame.
//
// Pipeline: a fetch stage takes the input word (from the stream at nf = 0, else from the buffer)
// and reads the weight word at address nf*SF+sf from a synchronous-read ROM (block RAM when big)
// and the fold's thresholds; the compute stage adds each PE's dot product (popcount) to its
// accumulator and, at sf = SF-1, thresholds it into the output register. A skid register behind the
// output register lets the whole pipeline run on one registered enable, so in0_tready and
// out0_tvalid both come from flip-flops.
module hwnas_mvau #(
    parameter int MW = 12,
    parameter int MH = 8,
    parameter int PE = 1,
    parameter int SIMD = 1,
    parameter int NUM_VECS = 1,
    parameter int IN_BITS = 1,
    parameter int IN_SIGNED = 0,
    parameter int XNOR = 1,
    parameter int OUT_BITS = 1,
    parameter int ACC_BITS = 8,
    parameter int NT = 1,
    parameter int BIAS = 0,
    parameter WEIGHT_FILE = "",
    parameter THRESHOLD_FILE = ""
) (
    input  logic                     ap_clk,
    input  logic                     ap_rst_n,
    input  logic [SIMD*IN_BITS-1:0]  in0_tdata,
    input  logic                     in0_tvalid,
    output logic                     in0_tready,
    output logic [PE*OUT_BITS-1:0]   out0_tdata,
    output logic                     out0_tvalid,
    input  logic                     out0_tready
);
    localparam int SF = MW / SIMD;
    localparam int NF = MH / PE;
    localparam int TILES = NF * SF;
    localparam int SFW = SF > 1 ? $clog2(SF) : 1;
    localparam int NFW = NF > 1 ? $clog2(NF) : 1;
    localparam int TW = TILES > 1 ? $clog2(TILES) : 1;
    localparam int IW = SIMD * IN_BITS;
    localparam int WW = PE * SIMD;
    localparam int OW = PE * OUT_BITS;
    localparam int THW = NT > 0 ? PE * NT * ACC_BITS : 1;

    // ---------------------------------------------------------------- fetch stage
    logic [SFW-1:0] sf;
    logic [NFW-1:0] nf;
    logic [TW-1:0] tile;  // nf*SF + sf
    logic skid_valid;
    wire en = !skid_valid;  // the pipeline moves unless the output has a word waiting in the skid
    wire fetch = en && (nf != 0 || in0_tvalid);
    assign in0_tready = en && nf == 0;

    logic [IW-1:0] ibuf [0:SF-1];
    logic [WW-1:0] wmem [0:TILES-1];
    initial begin
        if (WEIGHT_FILE != "") $readmemh(WEIGHT_FILE, wmem);
    end

    // stage registers handed to the compute stage
    logic v1, first1, last1;
    logic [IW-1:0] x1;
    logic [WW-1:0] w1;
    logic [THW-1:0] t1;

    always_ff @(posedge ap_clk) begin
        if (fetch && nf == 0) begin
            ibuf[sf] <= in0_tdata;
        end
    end

    always_ff @(posedge ap_clk) begin  // synchronous-read weight ROM
        if (en) begin
            w1 <= wmem[tile];
        end
    end

    generate
        if (NT > 0) begin : g_thr_mem
            logic [THW-1:0] tmem [0:NF-1];
            initial begin
                if (THRESHOLD_FILE != "") $readmemh(THRESHOLD_FILE, tmem);
            end
            always_ff @(posedge ap_clk) begin
                if (en) begin
                    t1 <= tmem[nf];
                end
            end
        end else begin : g_no_thr
            assign t1 = '0;
        end
    endgenerate

    always_ff @(posedge ap_clk) begin
        if (en) begin
            x1 <= nf == 0 ? in0_tdata : ibuf[sf];
            first1 <= sf == 0;
            last1 <= sf == SFW'(SF - 1);
        end
        if (!ap_rst_n) begin
            sf <= '0;
            nf <= '0;
            tile <= '0;
            v1 <= 1'b0;
        end else if (en) begin
            v1 <= fetch;
            if (fetch) begin
                if (sf == SFW'(SF - 1)) begin
                    sf <= '0;
                    nf <= nf == NFW'(NF - 1) ? '0 : nf + 1'b1;
                end else begin
                    sf <= sf + 1'b1;
                end
                tile <= tile == TW'(TILES - 1) ? '0 : tile + 1'b1;
            end
        end
    end

    // ---------------------------------------------------------------- compute stage
    wire step = en && v1;
    wire produce = step && last1;
    logic [OW-1:0] result;

    generate
        for (genvar p = 0; p < PE; p++) begin : g_pe
            logic signed [ACC_BITS-1:0] partial, total, acc;
            if (XNOR != 0) begin : g_xnor
                always_comb begin
                    partial = '0;
                    for (int s = 0; s < SIMD; s++) begin
                        partial = partial + ACC_BITS'(w1[p * SIMD + s] == x1[s]);  // == keeps it 1 bit wide
                    end
                end
            end else begin : g_quant
                logic signed [IN_BITS:0] element;
                always_comb begin
                    partial = '0;
                    element = '0;
                    for (int s = 0; s < SIMD; s++) begin
                        element = {IN_SIGNED != 0 ? x1[s * IN_BITS + IN_BITS - 1] : 1'b0, x1[s * IN_BITS +: IN_BITS]};
                        partial = w1[p * SIMD + s] ? partial + element : partial - element;
                    end
                end
            end
            assign total = first1 ? partial : acc + partial;
            always_ff @(posedge ap_clk) begin
                if (step) begin
                    acc <= total;
                end
            end

            if (NT > 0) begin : g_act
                logic signed [31:0] level;
                always_comb begin
                    level = BIAS;
                    for (int t = 0; t < NT; t++) begin
                        if (total >= $signed(t1[(p * NT + t) * ACC_BITS +: ACC_BITS])) begin
                            level = level + 1;
                        end
                    end
                end
                assign result[p * OUT_BITS +: OUT_BITS] = level[OUT_BITS-1:0];
            end else begin : g_noact
                logic signed [OUT_BITS-1:0] narrowed;
                assign narrowed = total;  // sign-extends or truncates, as ap_int<OUT_BITS> does
                assign result[p * OUT_BITS +: OUT_BITS] = narrowed;
            end
        end
    endgenerate

    // ---------------------------------------------------------------- output register and skid
    logic [OW-1:0] skid;
    always_ff @(posedge ap_clk) begin
        if (!ap_rst_n) begin
            out0_tvalid <= 1'b0;
            skid_valid <= 1'b0;
        end else if (out0_tvalid && !out0_tready) begin
            if (produce) begin
                skid <= result;
                skid_valid <= 1'b1;
            end
        end else if (skid_valid) begin
            out0_tdata <= skid;
            out0_tvalid <= 1'b1;
            skid_valid <= 1'b0;
        end else begin
            out0_tvalid <= produce;
            if (produce) begin
                out0_tdata <= result;
            end
        end
    end
endmodule
