// Zero padding around a feature map (FINN's FMPadding): hls_templates/kernels/fmpadding.hpp's
// fm_padding, frames back to back.
//
// Parameters (as the HLS template's): IN_H, IN_W, PAD_TOP, PAD_LEFT, PAD_BOTTOM, PAD_RIGHT, CH,
// SIMD, BITS.
//
// Pixels in raster order, CH / SIMD words of SIMD elements per pixel; a padded pixel is all-zero
// words (code 0: -1 for binary-encoded bipolar data, as in FINN's hardware). One output word per
// cycle: (IN_H + PAD_TOP + PAD_BOTTOM) * (IN_W + PAD_LEFT + PAD_RIGHT) * CH / SIMD cycles a frame.
// The output word is registered; in0_tready is the output register's readiness at a position inside
// the image (it follows out0_tready combinationally, never a tvalid).
module hwnas_fmpadding #(
    parameter int IN_H = 1,
    parameter int IN_W = 1,
    parameter int PAD_TOP = 0,
    parameter int PAD_LEFT = 0,
    parameter int PAD_BOTTOM = 0,
    parameter int PAD_RIGHT = 0,
    parameter int CH = 1,
    parameter int SIMD = 1,
    parameter int BITS = 1
) (
    input  logic                 ap_clk,
    input  logic                 ap_rst_n,
    input  logic [SIMD*BITS-1:0] in0_tdata,
    input  logic                 in0_tvalid,
    output logic                 in0_tready,
    output logic [SIMD*BITS-1:0] out0_tdata,
    output logic                 out0_tvalid,
    input  logic                 out0_tready
);
    localparam int CF = CH / SIMD;
    localparam int OUT_H = IN_H + PAD_TOP + PAD_BOTTOM;
    localparam int OUT_W = IN_W + PAD_LEFT + PAD_RIGHT;
    localparam int YW = $clog2(OUT_H + 1);
    localparam int XW = $clog2(OUT_W + 1);
    localparam int CW = $clog2(CF + 1);

    logic [YW-1:0] y;
    logic [XW-1:0] x;
    logic [CW-1:0] cf;

    wire in_image = y >= YW'(PAD_TOP) && y < YW'(PAD_TOP + IN_H) && x >= XW'(PAD_LEFT) && x < XW'(PAD_LEFT + IN_W);
    wire load = !out0_tvalid || out0_tready;  // the output register takes a word this cycle if one comes
    wire step = load && (!in_image || in0_tvalid);
    assign in0_tready = load && in_image;

    always_ff @(posedge ap_clk) begin
        if (!ap_rst_n) begin
            y <= '0;
            x <= '0;
            cf <= '0;
            out0_tvalid <= 1'b0;
        end else begin
            if (load) begin
                out0_tvalid <= step;
            end
            if (step) begin
                out0_tdata <= in_image ? in0_tdata : '0;
                if (cf == CW'(CF - 1)) begin
                    cf <= '0;
                    if (x == XW'(OUT_W - 1)) begin
                        x <= '0;
                        y <= (y == YW'(OUT_H - 1)) ? '0 : y + 1'b1;
                    end else begin
                        x <= x + 1'b1;
                    end
                end else begin
                    cf <= cf + 1'b1;
                end
            end
        end
    end
endmodule
