// Top-1 label select (FINN's LabelSelect with K=1), hls_templates/kernels/labelselect.hpp's
// label_select.
//
// Parameters: LABELS, PE (scores per word, divides LABELS), BITS, SIGNED (0/1; the scores' type),
// OUT_BITS (the index's width).
//
// Reads LABELS / PE words of scores and writes one word per frame, the index of the largest score;
// on a tie the lowest index wins, as ONNX TopK (FINN's Python execution) decides. One input word
// per cycle: LABELS / PE cycles per frame. Within a word the PE scores are compared in a chain,
// as the HLS kernel's unrolled loop does.
module hwnas_labelselect #(
    parameter int LABELS = 10,
    parameter int PE = 1,
    parameter int BITS = 8,
    parameter int SIGNED = 1,
    parameter int OUT_BITS = 8
) (
    input  logic               ap_clk,
    input  logic               ap_rst_n,
    input  logic [PE*BITS-1:0] in0_tdata,
    input  logic               in0_tvalid,
    output logic               in0_tready,
    output logic [OUT_BITS-1:0] out0_tdata,
    output logic               out0_tvalid,
    input  logic               out0_tready
);
    localparam int NF = LABELS / PE;
    localparam int NW = NF > 1 ? $clog2(NF) : 1;
    localparam int IW = LABELS > 1 ? $clog2(LABELS) : 1;

    logic [NW-1:0] nf;               // the word's place in the frame
    logic [IW-1:0] base;             // nf * PE, the index of the word's first score
    logic signed [BITS:0] best_value;  // the best score of the frame's earlier words
    logic [IW-1:0] best_index;

    wire last = nf == NW'(NF - 1);
    wire load_out = !out0_tvalid || out0_tready;
    // only a frame's last word writes the output register
    assign in0_tready = !last || load_out;
    wire fire = in0_tvalid && in0_tready;

    // the word's best score and its lane, lowest lane on ties
    logic signed [BITS:0] chain_value [0:PE-1];
    logic [IW-1:0] chain_lane [0:PE-1];
    for (genvar p = 0; p < PE; p++) begin : g_pe
        wire [BITS-1:0] raw = in0_tdata[p*BITS +: BITS];
        wire signed [BITS:0] v = {SIGNED != 0 ? raw[BITS-1] : 1'b0, raw};
        if (p == 0) begin : g_first
            assign chain_value[0] = v;
            assign chain_lane[0] = '0;
        end else begin : g_next
            wire take = v > chain_value[p-1];
            assign chain_value[p] = take ? v : chain_value[p-1];
            assign chain_lane[p] = take ? IW'(p) : chain_lane[p-1];
        end
    end

    wire take_word = nf == '0 || chain_value[PE-1] > best_value;
    wire signed [BITS:0] new_value = take_word ? chain_value[PE-1] : best_value;
    wire [IW-1:0] new_index = take_word ? base + chain_lane[PE-1] : best_index;

    always_ff @(posedge ap_clk) begin
        if (!ap_rst_n) begin
            nf <= '0;
            base <= '0;
            out0_tvalid <= 1'b0;
        end else begin
            if (load_out) begin
                out0_tvalid <= fire && last;
                if (fire && last) begin
                    out0_tdata <= OUT_BITS'(new_index);
                end
            end
            if (fire) begin
                best_value <= new_value;
                best_index <= new_index;
                nf <= last ? '0 : nf + 1'b1;
                base <= last ? '0 : base + IW'(PE);
            end
        end
    end
endmodule
