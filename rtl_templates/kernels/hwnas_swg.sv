// Sliding-window generator (FINN's ConvolutionInputGenerator): hls_templates/kernels/swg.hpp's
// sliding_window_grouped, frames back to back.
//
// Parameters (as the HLS template's): CH, IFM_H, IFM_W, OFM_H, OFM_W, K_H, K_W, STRIDE_H, STRIDE_W,
// DIL_H, DIL_W, SIMD, BITS, GROUP (1: FINN's default windowing; K_H * K_W: parallel_window=1).
//
// Input: IFM_H x IFM_W pixels in raster order, CH / SIMD words of SIMD channels each. Output: for
// each output pixel (oy, ox) in raster order its window in im2col order (ky, kx, channel word),
// GROUP consecutive SIMD-channel words per output word (word g in bits [g*SIMD*BITS +: SIMD*BITS]).
// Padding is a separate FMPadding layer, as in FINN.
//
// The input sits in a circular buffer of ROWS input rows (the rows an output row spans plus
// STRIDE_H, at most IFM_H), one flat memory of ROWS * IFM_W * CH / SIMD words, written one word a
// cycle and read asynchronously at GROUP addresses (distributed RAM or flip-flops). As in the HLS
// kernel, every cycle may both write an input word into the buffer and emit an output word; the
// decisions come from the counters at the start of the cycle:
//  - an output word goes out once the last (latest in raster order) of its words has been read;
//  - an input word of row r comes in while r < oy * STRIDE_H + ROWS (its slot held a row that the
//    output row in progress no longer needs).
// Unlike the HLS kernel, which returns after each frame, the two sides may be in different frames:
// the next frame's first rows come in while the last output row goes out (as far as the buffer
// allows), and the next frame's output waits for its words while unused bottom rows are still read.
// So a frame takes at most the HLS loop's iterations, about max(input words, output words) plus the
// rows the first output row waits for beyond those read ahead.
//
// Every address is computed from counters kept incrementally and constants known at elaboration:
// for GROUP = 1 the window position is a (ky, kx, channel word) counter; for GROUP > 1 each of the
// GROUP words of output word `grp` of a pixel has its row and word offsets in constant tables.
module hwnas_swg #(
    parameter int CH = 1,
    parameter int IFM_H = 1,
    parameter int IFM_W = 1,
    parameter int OFM_H = 1,
    parameter int OFM_W = 1,
    parameter int K_H = 1,
    parameter int K_W = 1,
    parameter int STRIDE_H = 1,
    parameter int STRIDE_W = 1,
    parameter int DIL_H = 1,
    parameter int DIL_W = 1,
    parameter int SIMD = 1,
    parameter int BITS = 1,
    parameter int GROUP = 1
) (
    input  logic                       ap_clk,
    input  logic                       ap_rst_n,
    input  logic [SIMD*BITS-1:0]       in0_tdata,
    input  logic                       in0_tvalid,
    output logic                       in0_tready,
    output logic [GROUP*SIMD*BITS-1:0] out0_tdata,
    output logic                       out0_tvalid,
    input  logic                       out0_tready
);
    localparam int W = SIMD * BITS;
    localparam int CF = CH / SIMD;
    localparam int WINDOW_WORDS = K_H * K_W * CF;
    localparam int GROUPS = WINDOW_WORDS / GROUP;  // output words per output pixel
    localparam int ROW_WORDS = IFM_W * CF;
    localparam int SPAN_ROWS = (K_H - 1) * DIL_H + 1;
    localparam int ROWS = (SPAN_ROWS + STRIDE_H < IFM_H) ? SPAN_ROWS + STRIDE_H : IFM_H;
    localparam int IN_WORDS = IFM_H * ROW_WORDS;
    localparam int BUF_WORDS = ROWS * ROW_WORDS;
    localparam int ROW_STEP = (STRIDE_H * ROW_WORDS) % BUF_WORDS;  // buffer address step per output row
    localparam int FRAME_STEP = IN_WORDS % BUF_WORDS;  // buffer address step per frame
    localparam int AW = BUF_WORDS > 1 ? $clog2(BUF_WORDS) : 1;  // buffer addresses
    localparam int NW = $clog2(IN_WORDS + 1) + 1;  // raster word indices within a frame
    localparam int RW = $clog2(2 * IFM_H + 1) + 1;  // input row numbers
    localparam int XW = $clog2(OFM_W + 1);
    localparam int YW = $clog2(OFM_H + 1);
    localparam int CCW = $clog2(ROW_WORDS + 1);
    localparam int GW = GROUPS > 1 ? $clog2(GROUPS) : 1;

    // im2col position p of a window: (ky, kx, cf) = (p / (K_W * CF), (p / CF) % K_W, p % CF);
    // its word's raster offset from the window's top-left word is a row part and a word part
    function automatic integer row_offset(input integer p);
        row_offset = (p / (K_W * CF)) * DIL_H * ROW_WORDS;
    endfunction
    function automatic integer word_offset(input integer p);
        word_offset = ((p / CF) % K_W) * DIL_W * CF + p % CF;
    endfunction

    logic [W-1:0] buffer [0:BUF_WORDS-1];

    // read side (input words into the buffer)
    logic [AW-1:0] rd_addr;
    logic [NW-1:0] words_read;  // of the read side's frame
    logic [RW-1:0] read_row;
    logic [CCW-1:0] read_col;
    // output side
    logic [XW-1:0] ox;
    logic [YW-1:0] oy;
    logic [NW-1:0] ox_word;  // ox * STRIDE_W * CF
    logic [NW-1:0] oy_raster;  // oy * STRIDE_H * ROW_WORDS
    logic [AW-1:0] row_addr;  // buffer address of input row oy * STRIDE_H's first word
    logic [AW-1:0] frame_addr;  // buffer address of the output side's frame's first word
    logic [RW-1:0] out_row_lim;  // oy * STRIDE_H + ROWS
    // frames: at most one side is a frame ahead of the other
    logic rd_ahead;  // the read side has finished the output side's frame and reads the next
    logic wr_ahead;  // the output side has finished its frame before the read side (unused rows)

    // per word of the output word: raster row offset (also its buffer offset) and word offset; the
    // raster offset of the output word's last word
    logic [GROUP*NW-1:0] pos_row, pos_word;
    logic [NW-1:0] last_offset;
    logic pixel_done;  // this output word is the pixel's last

    wire [NW-1:0] need = oy_raster + ox_word + last_offset;
    wire can_write = !wr_ahead && (rd_ahead || words_read > need);
    wire load = !out0_tvalid || out0_tready;
    wire wr_fire = load && can_write;
    wire frame_written = wr_fire && pixel_done && ox == XW'(OFM_W - 1) && oy == YW'(OFM_H - 1);

    assign in0_tready = wr_ahead || (rd_ahead ? (read_row + RW'(IFM_H) < out_row_lim) : (read_row < out_row_lim));
    wire rd_fire = in0_tvalid && in0_tready;
    wire frame_read = rd_fire && words_read == NW'(IN_WORDS - 1);

    // ---------------------------------------------------------------- window positions
    if (GROUP == 1) begin : counters
        localparam int KXW = $clog2(K_W + 1);
        localparam int KYW = $clog2(K_H + 1);
        localparam int CFW = $clog2(CF + 1);
        logic [CFW-1:0] cf;
        logic [KXW-1:0] kx;
        logic [KYW-1:0] ky;
        logic [NW-1:0] kx_word;  // kx * DIL_W * CF
        logic [NW-1:0] ky_row;  // ky * DIL_H * ROW_WORDS
        wire cf_last = cf == CFW'(CF - 1);
        wire kx_last = kx == KXW'(K_W - 1);
        wire ky_last = ky == KYW'(K_H - 1);
        assign pixel_done = cf_last && kx_last && ky_last;
        assign pos_row = ky_row;
        assign pos_word = kx_word + cf;
        assign last_offset = ky_row + kx_word + cf;
        always_ff @(posedge ap_clk) begin
            if (!ap_rst_n) begin
                cf <= '0;
                kx <= '0;
                ky <= '0;
                kx_word <= '0;
                ky_row <= '0;
            end else if (wr_fire) begin
                if (!cf_last) begin
                    cf <= cf + 1'b1;
                end else begin
                    cf <= '0;
                    if (!kx_last) begin
                        kx <= kx + 1'b1;
                        kx_word <= kx_word + NW'(DIL_W * CF);
                    end else begin
                        kx <= '0;
                        kx_word <= '0;
                        ky <= ky_last ? '0 : ky + 1'b1;
                        ky_row <= ky_last ? '0 : ky_row + NW'(DIL_H * ROW_WORDS);
                    end
                end
            end
        end
    end else begin : tables
        logic [GW-1:0] grp;
        logic [GROUPS*NW-1:0] last_table;
        for (genvar g = 0; g < GROUPS; g++) begin : last_entry
            assign last_table[g*NW +: NW] = NW'(row_offset(g * GROUP + GROUP - 1) + word_offset(g * GROUP + GROUP - 1));
        end
        assign last_offset = last_table[grp*NW +: NW];
        for (genvar j = 0; j < GROUP; j++) begin : position
            logic [GROUPS*NW-1:0] row_table, word_table;
            for (genvar g = 0; g < GROUPS; g++) begin : entry
                assign row_table[g*NW +: NW] = NW'(row_offset(g * GROUP + j));
                assign word_table[g*NW +: NW] = NW'(word_offset(g * GROUP + j));
            end
            assign pos_row[j*NW +: NW] = row_table[grp*NW +: NW];
            assign pos_word[j*NW +: NW] = word_table[grp*NW +: NW];
        end
        assign pixel_done = grp == GW'(GROUPS - 1);
        always_ff @(posedge ap_clk) begin
            if (!ap_rst_n) begin
                grp <= '0;
            end else if (wr_fire) begin
                grp <= pixel_done ? '0 : grp + 1'b1;
            end
        end
    end

    // ---------------------------------------------------------------- the output word
    logic [GROUP*W-1:0] window_word;
    for (genvar j = 0; j < GROUP; j++) begin : gather
        // the word's row in the circular buffer, then its word within the row (never wraps)
        wire [AW:0] row_sum = {1'b0, row_addr} + pos_row[j*NW +: NW];
        wire [AW-1:0] row_at = row_sum >= (AW+1)'(BUF_WORDS) ? AW'(row_sum - (AW+1)'(BUF_WORDS)) : row_sum[AW-1:0];
        wire [AW-1:0] addr = row_at + AW'(ox_word) + AW'(pos_word[j*NW +: NW]);
        assign window_word[j*W +: W] = buffer[addr];
    end

    always_ff @(posedge ap_clk) begin
        if (rd_fire) begin
            buffer[rd_addr] <= in0_tdata;
        end
    end

    // ---------------------------------------------------------------- counters
    wire [AW:0] row_next = {1'b0, row_addr} + (AW+1)'(ROW_STEP);
    wire [AW:0] frame_next = {1'b0, frame_addr} + (AW+1)'(FRAME_STEP);
    wire [AW-1:0] frame_next_mod = frame_next >= (AW+1)'(BUF_WORDS) ? AW'(frame_next - (AW+1)'(BUF_WORDS)) : frame_next[AW-1:0];

    always_ff @(posedge ap_clk) begin
        if (!ap_rst_n) begin
            rd_addr <= '0;
            words_read <= '0;
            read_row <= '0;
            read_col <= '0;
            ox <= '0;
            oy <= '0;
            ox_word <= '0;
            oy_raster <= '0;
            row_addr <= '0;
            frame_addr <= '0;
            out_row_lim <= RW'(ROWS);
            rd_ahead <= 1'b0;
            wr_ahead <= 1'b0;
            out0_tvalid <= 1'b0;
        end else begin
            if (load) begin
                out0_tvalid <= can_write;
            end
            if (wr_fire) begin
                out0_tdata <= window_word;
                if (pixel_done) begin
                    if (ox != XW'(OFM_W - 1)) begin
                        ox <= ox + 1'b1;
                        ox_word <= ox_word + NW'(STRIDE_W * CF);
                    end else begin
                        ox <= '0;
                        ox_word <= '0;
                        if (oy != YW'(OFM_H - 1)) begin
                            oy <= oy + 1'b1;
                            oy_raster <= oy_raster + NW'(STRIDE_H * ROW_WORDS);
                            row_addr <= row_next >= (AW+1)'(BUF_WORDS) ? AW'(row_next - (AW+1)'(BUF_WORDS)) : row_next[AW-1:0];
                            out_row_lim <= out_row_lim + RW'(STRIDE_H);
                        end else begin
                            oy <= '0;
                            oy_raster <= '0;
                            frame_addr <= frame_next_mod;
                            row_addr <= frame_next_mod;
                            out_row_lim <= RW'(ROWS);
                        end
                    end
                end
            end
            if (rd_fire) begin
                rd_addr <= rd_addr == AW'(BUF_WORDS - 1) ? '0 : rd_addr + 1'b1;
                if (frame_read) begin
                    words_read <= '0;
                    read_row <= '0;
                    read_col <= '0;
                end else begin
                    words_read <= words_read + 1'b1;
                    if (read_col == CCW'(ROW_WORDS - 1)) begin
                        read_col <= '0;
                        read_row <= read_row + 1'b1;
                    end else begin
                        read_col <= read_col + 1'b1;
                    end
                end
            end
            // frames: a side finishing its frame first goes a frame ahead; the other catching up
            // brings them level (both at once cannot happen while one is ahead)
            if (frame_read && !frame_written) begin
                if (wr_ahead) wr_ahead <= 1'b0;
                else rd_ahead <= 1'b1;
            end else if (frame_written && !frame_read) begin
                if (rd_ahead) rd_ahead <= 1'b0;
                else wr_ahead <= 1'b1;
            end
        end
    end
endmodule
