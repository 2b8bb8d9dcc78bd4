// Max pooling over sliding-window output (FINN's Pool with Function=MaxPool):
// hls_templates/kernels/pool.hpp's max_pool, frames back to back.
//
// Parameters (as the HLS template's): CH, PE, K2, NUM_PIXELS, BITS, SIGNED (0/1).
//
// Reads, for each output pixel, K2 window positions of CH channels in im2col order (position outer,
// CH / PE words of PE channels inner) and writes the CH maxima as CH / PE words, each with the last
// window position's word. One input word per cycle: NUM_PIXELS * K2 * CH / PE cycles a frame. A
// frame is a whole number of pixels, so the counters simply wrap per pixel (NUM_PIXELS sets no
// logic). Binary-encoded bipolar data pools as unsigned 1-bit values, the max of the bipolar ones.
//
// The running maxima of the CH / PE channel words sit in a small memory read asynchronously
// (distributed RAM or flip-flops). The output word is registered; in0_tready is high unless the
// word arriving would complete a pixel while the output register holds a word not yet taken.
module hwnas_pool #(
    parameter int CH = 1,
    parameter int PE = 1,
    parameter int K2 = 1,
    parameter int NUM_PIXELS = 1,
    parameter int BITS = 1,
    parameter int SIGNED = 0
) (
    input  logic               ap_clk,
    input  logic               ap_rst_n,
    input  logic [PE*BITS-1:0] in0_tdata,
    input  logic               in0_tvalid,
    output logic               in0_tready,
    output logic [PE*BITS-1:0] out0_tdata,
    output logic               out0_tvalid,
    input  logic               out0_tready
);
    localparam int CF = CH / PE;
    localparam int CW = CF > 1 ? $clog2(CF) : 1;
    localparam int KW = K2 > 1 ? $clog2(K2) : 1;

    logic [PE*BITS-1:0] best [0:CF-1];
    logic [CW-1:0] cf;
    logic [KW-1:0] k;
    logic [PE*BITS-1:0] merged;

    wire first = k == '0;
    wire last = k == KW'(K2 - 1);
    assign in0_tready = !last || !out0_tvalid || out0_tready;
    wire fire = in0_tvalid && in0_tready;
    wire [PE*BITS-1:0] old = best[cf];

    // per channel: the larger of the running maximum and the new element, compared in BITS + 1 bits
    // (sign-extended when SIGNED), as the HLS kernel's ap_int<BITS + 1>
    for (genvar p = 0; p < PE; p++) begin : lane
        wire [BITS:0] a = {SIGNED != 0 ? old[p*BITS + BITS - 1] : 1'b0, old[p*BITS +: BITS]};
        wire [BITS:0] b = {SIGNED != 0 ? in0_tdata[p*BITS + BITS - 1] : 1'b0, in0_tdata[p*BITS +: BITS]};
        assign merged[p*BITS +: BITS] = (!first && $signed(a) > $signed(b)) ? a[BITS-1:0] : b[BITS-1:0];
    end

    always_ff @(posedge ap_clk) begin
        if (fire) begin
            best[cf] <= merged;
        end
    end

    always_ff @(posedge ap_clk) begin
        if (!ap_rst_n) begin
            cf <= '0;
            k <= '0;
            out0_tvalid <= 1'b0;
        end else begin
            if (out0_tready) begin
                out0_tvalid <= 1'b0;
            end
            if (fire) begin
                if (last) begin
                    out0_tdata <= merged;
                    out0_tvalid <= 1'b1;
                end
                if (cf == CW'(CF - 1)) begin
                    cf <= '0;
                    k <= last ? '0 : k + 1'b1;
                end else begin
                    cf <= cf + 1'b1;
                end
            end
        end
    end
endmodule
