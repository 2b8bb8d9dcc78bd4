// Element-wise sum of two streams (FINN's ElementwiseAdd), hls_templates/kernels/add.hpp's
// elementwise_add.
//
// Parameters: PE (elements per word), WORDS (words per frame; words are summed one by one, so it
// does not change the logic), LHS_BITS, LHS_SIGNED (0/1), RHS_BITS, RHS_SIGNED (0/1), OUT_BITS.
//
// in0 carries lhs, in1 rhs: element p of the output word is lhs[p] + rhs[p] (each sign- or
// zero-extended by its type) in OUT_BITS bits, two's complement (FINN's out_dtype holds the sum).
// A pair of words moves when both inputs offer one and the output register is free or draining:
// one word per cycle, WORDS cycles per frame.
module hwnas_add #(
    parameter int PE = 1,
    parameter int WORDS = 1,
    parameter int LHS_BITS = 2,
    parameter int LHS_SIGNED = 1,
    parameter int RHS_BITS = 2,
    parameter int RHS_SIGNED = 1,
    parameter int OUT_BITS = 3
) (
    input  logic                   ap_clk,
    input  logic                   ap_rst_n,
    input  logic [PE*LHS_BITS-1:0] in0_tdata,
    input  logic                   in0_tvalid,
    output logic                   in0_tready,
    input  logic [PE*RHS_BITS-1:0] in1_tdata,
    input  logic                   in1_tvalid,
    output logic                   in1_tready,
    output logic [PE*OUT_BITS-1:0] out0_tdata,
    output logic                   out0_tvalid,
    input  logic                   out0_tready
);
    // wide enough for either operand extended; the low OUT_BITS of the sum are the result
    localparam int SW = (LHS_BITS > RHS_BITS ? LHS_BITS : RHS_BITS) + OUT_BITS + 1;

    wire load_out = !out0_tvalid || out0_tready;
    assign in0_tready = load_out && in1_tvalid;
    assign in1_tready = load_out && in0_tvalid;
    wire fire = load_out && in0_tvalid && in1_tvalid;

    logic [PE*OUT_BITS-1:0] sum;
    for (genvar p = 0; p < PE; p++) begin : g_pe
        wire [LHS_BITS-1:0] a = in0_tdata[p*LHS_BITS +: LHS_BITS];
        wire [RHS_BITS-1:0] b = in1_tdata[p*RHS_BITS +: RHS_BITS];
        wire [SW-1:0] a_ext = {{(SW - LHS_BITS){LHS_SIGNED != 0 ? a[LHS_BITS-1] : 1'b0}}, a};
        wire [SW-1:0] b_ext = {{(SW - RHS_BITS){RHS_SIGNED != 0 ? b[RHS_BITS-1] : 1'b0}}, b};
        wire [SW-1:0] s = a_ext + b_ext;
        assign sum[p*OUT_BITS +: OUT_BITS] = s[OUT_BITS-1:0];
    end

    always_ff @(posedge ap_clk) begin
        if (!ap_rst_n) begin
            out0_tvalid <= 1'b0;
        end else if (load_out) begin
            out0_tvalid <= fire;
            if (fire) begin
                out0_tdata <= sum;
            end
        end
    end
endmodule
