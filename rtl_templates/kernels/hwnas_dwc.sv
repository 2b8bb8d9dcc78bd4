// Stream width converter (FINN's StreamingDataWidthConverter), hls_templates/kernels/dwc.hpp's
// width_convert.
//
// Parameters: IN_W, OUT_W (word widths in bits), IN_WORDS (input words per frame; the frame's bits
// fill whole output words, IN_W * IN_WORDS % OUT_W == 0).
//
// Re-slices the input bit stream into OUT_W-bit words keeping element order (element 0 in the least
// significant bits), so any widths whose frame sizes agree work, not only multiples. As in the HLS
// kernel, a word is read only while fewer than OUT_W bits wait, and the word read in a cycle may
// complete the word written in that cycle: max(IN_WORDS, OUT_WORDS) cycles per frame. A frame
// always ends with the buffer empty, so frames follow one another without a frame counter.
module hwnas_dwc #(
    parameter int IN_W = 8,
    parameter int OUT_W = 8,
    parameter int IN_WORDS = 1
) (
    input  logic             ap_clk,
    input  logic             ap_rst_n,
    input  logic [IN_W-1:0]  in0_tdata,
    input  logic             in0_tvalid,
    output logic             in0_tready,
    output logic [OUT_W-1:0] out0_tdata,
    output logic             out0_tvalid,
    input  logic             out0_tready
);
    localparam int BW = IN_W + OUT_W;  // buffer bits: at most OUT_W - 1 waiting plus one input word
    localparam int FW = $clog2(BW + 1);

    logic [BW-1:0] buffer;  // valid bits from bit 0 up, zeros above
    logic [FW-1:0] fill;

    wire in_fire = in0_tvalid && in0_tready;
    wire load_out = !out0_tvalid || out0_tready;
    wire [BW-1:0] merged = buffer | (in_fire ? (BW'(in0_tdata) << fill) : {BW{1'b0}});
    wire [FW-1:0] merged_fill = fill + (in_fire ? FW'(IN_W) : {FW{1'b0}});
    wire emit = load_out && merged_fill >= FW'(OUT_W);
    wire [FW-1:0] next_fill = emit ? merged_fill - FW'(OUT_W) : merged_fill;

    always_ff @(posedge ap_clk) begin
        if (!ap_rst_n) begin
            buffer <= '0;
            fill <= '0;
            out0_tvalid <= 1'b0;
            in0_tready <= 1'b0;
        end else begin
            buffer <= emit ? (merged >> OUT_W) : merged;
            fill <= next_fill;
            if (emit) begin
                out0_tdata <= merged[OUT_W-1:0];
            end
            if (load_out) begin
                out0_tvalid <= emit;
            end
            in0_tready <= next_fill < FW'(OUT_W);
        end
    end
endmodule
