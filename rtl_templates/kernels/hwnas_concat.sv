// Channel concatenation of two or three streams (FINN's StreamingConcat),
// hls_templates/kernels/concat.hpp's concat.
//
// Parameters: NUM_VECS (pixels per frame; the fold counter wraps per pixel, so it does not change
// the logic), SIMD (elements per word), N_INPUTS (2 or 3), C0, IN0_BITS, IN0_SIGNED (0/1), C1,
// IN1_BITS, IN1_SIGNED, C2, IN2_BITS, IN2_SIGNED (input 2's, ignored when N_INPUTS is 2),
// OUT_BITS.
//
// Per pixel, the C0 / SIMD words of in0 go out first, then the C1 / SIMD words of in1 (then those
// of in2), each element sign- or zero-extended by its input's type to OUT_BITS bits: one word per
// cycle, NUM_VECS * (C0 + C1 [+ C2]) / SIMD cycles per frame. in2_tready stays low when N_INPUTS
// is 2.
module hwnas_concat #(
    parameter int NUM_VECS = 1,
    parameter int SIMD = 1,
    parameter int N_INPUTS = 2,
    parameter int C0 = 1,
    parameter int IN0_BITS = 1,
    parameter int IN0_SIGNED = 0,
    parameter int C1 = 1,
    parameter int IN1_BITS = 1,
    parameter int IN1_SIGNED = 0,
    parameter int C2 = 0,
    parameter int IN2_BITS = 1,
    parameter int IN2_SIGNED = 0,
    parameter int OUT_BITS = 1
) (
    input  logic                     ap_clk,
    input  logic                     ap_rst_n,
    input  logic [SIMD*IN0_BITS-1:0] in0_tdata,
    input  logic                     in0_tvalid,
    output logic                     in0_tready,
    input  logic [SIMD*IN1_BITS-1:0] in1_tdata,
    input  logic                     in1_tvalid,
    output logic                     in1_tready,
    input  logic [SIMD*IN2_BITS-1:0] in2_tdata,
    input  logic                     in2_tvalid,
    output logic                     in2_tready,
    output logic [SIMD*OUT_BITS-1:0] out0_tdata,
    output logic                     out0_tvalid,
    input  logic                     out0_tready
);
    localparam int F0 = C0 / SIMD;
    localparam int F01 = (C0 + C1) / SIMD;
    localparam int FOLDS = N_INPUTS == 3 ? (C0 + C1 + C2) / SIMD : F01;
    localparam int FW = $clog2(FOLDS + 1);  // holds F01 too

    logic [FW-1:0] fold;  // the word's place in its pixel
    wire sel0 = fold < FW'(F0);
    wire sel1 = !sel0 && fold < FW'(F01);
    wire sel2 = !sel0 && !sel1 && N_INPUTS == 3;

    wire load_out = !out0_tvalid || out0_tready;
    assign in0_tready = load_out && sel0;
    assign in1_tready = load_out && sel1;
    assign in2_tready = load_out && sel2;
    wire fire = (in0_tvalid && in0_tready) || (in1_tvalid && in1_tready) || (in2_tvalid && in2_tready);

    logic [SIMD*OUT_BITS-1:0] wide0, wide1, wide2;
    for (genvar s = 0; s < SIMD; s++) begin : g_simd
        wire [IN0_BITS-1:0] e0 = in0_tdata[s*IN0_BITS +: IN0_BITS];
        wire [IN1_BITS-1:0] e1 = in1_tdata[s*IN1_BITS +: IN1_BITS];
        wire [IN2_BITS-1:0] e2 = in2_tdata[s*IN2_BITS +: IN2_BITS];
        // extended to OUT_BITS + IN_BITS, then cut to OUT_BITS (as set_element narrows)
        wire [OUT_BITS+IN0_BITS-1:0] x0 = {{OUT_BITS{IN0_SIGNED != 0 ? e0[IN0_BITS-1] : 1'b0}}, e0};
        wire [OUT_BITS+IN1_BITS-1:0] x1 = {{OUT_BITS{IN1_SIGNED != 0 ? e1[IN1_BITS-1] : 1'b0}}, e1};
        wire [OUT_BITS+IN2_BITS-1:0] x2 = {{OUT_BITS{IN2_SIGNED != 0 ? e2[IN2_BITS-1] : 1'b0}}, e2};
        assign wide0[s*OUT_BITS +: OUT_BITS] = x0[OUT_BITS-1:0];
        assign wide1[s*OUT_BITS +: OUT_BITS] = x1[OUT_BITS-1:0];
        assign wide2[s*OUT_BITS +: OUT_BITS] = x2[OUT_BITS-1:0];
    end

    always_ff @(posedge ap_clk) begin
        if (!ap_rst_n) begin
            fold <= '0;
            out0_tvalid <= 1'b0;
        end else if (load_out) begin
            out0_tvalid <= fire;
            if (fire) begin
                out0_tdata <= sel0 ? wide0 : (sel1 ? wide1 : wide2);
                fold <= (fold == FW'(FOLDS - 1)) ? '0 : fold + 1'b1;
            end
        end
    end
endmodule
