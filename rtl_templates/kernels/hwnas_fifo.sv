// Stream FIFO of DEPTH words (FINN's StreamingFIFO), the buffer between two kernels.
//
// The words sit in a memory addressed by read and write pointers, one write and one read port:
// Yosys maps it to shift registers (SRL) or distributed RAM when shallow and to block RAM when
// deep. The head word is kept in an output register so that out0_tvalid and in0_tready both come
// from flip-flops, which cuts every combinational path between the kernels it joins. DEPTH counts
// every word the FIFO holds, the output register's included.
//
// In simulation it remembers the most words it ever held and prints them with its depth at the end
// (`hwnas_fifo <instance> peak <words> depth <DEPTH>`), which --rtlsim reads back.
module hwnas_fifo #(
    parameter int WIDTH = 8,
    parameter int DEPTH = 2
) (
    input  logic             ap_clk,
    input  logic             ap_rst_n,
    input  logic [WIDTH-1:0] in0_tdata,
    input  logic             in0_tvalid,
    output logic             in0_tready,
    output logic [WIDTH-1:0] out0_tdata,
    output logic             out0_tvalid,
    input  logic             out0_tready
);
    localparam int MEM_DEPTH = DEPTH > 1 ? DEPTH - 1 : 1;
    localparam int AW = MEM_DEPTH > 1 ? $clog2(MEM_DEPTH) : 1;

    logic [WIDTH-1:0] mem [0:MEM_DEPTH-1];
    logic [AW-1:0] rd_ptr, wr_ptr;
    logic [$clog2(DEPTH + 1)-1:0] count;  // words in the memory and the output register together

    wire in_fire = in0_tvalid && in0_tready;
    wire out_fire = out0_tvalid && out0_tready;
    wire [$clog2(DEPTH + 1)-1:0] mem_count = count - (out0_tvalid ? 1'b1 : 1'b0);
    // the output register takes the head of the memory, or a word arriving at an empty memory
    wire load_out = !out0_tvalid || out_fire;
    wire from_mem = load_out && mem_count != 0;
    wire bypass = load_out && mem_count == 0 && in_fire;

    always_ff @(posedge ap_clk) begin
        if (!ap_rst_n) begin
            rd_ptr <= '0;
            wr_ptr <= '0;
            count <= '0;
            out0_tvalid <= 1'b0;
            in0_tready <= 1'b0;
        end else begin
            if (in_fire && !bypass) begin
                mem[wr_ptr] <= in0_tdata;
                wr_ptr <= (wr_ptr == AW'(MEM_DEPTH - 1)) ? '0 : wr_ptr + 1'b1;
            end
            if (from_mem) begin
                out0_tdata <= mem[rd_ptr];
                rd_ptr <= (rd_ptr == AW'(MEM_DEPTH - 1)) ? '0 : rd_ptr + 1'b1;
            end else if (bypass) begin
                out0_tdata <= in0_tdata;
            end
            if (load_out) begin
                out0_tvalid <= from_mem || bypass;
            end
            count <= count + (in_fire ? 1'b1 : 1'b0) - (out_fire ? 1'b1 : 1'b0);
            in0_tready <= (count + (in_fire ? 1'b1 : 1'b0) - (out_fire ? 1'b1 : 1'b0)) < DEPTH;
        end
    end

`ifndef SYNTHESIS
    int peak = 0;
    always_ff @(posedge ap_clk) begin
        if (ap_rst_n && int'(count) > peak) begin
            peak <= int'(count);
        end
    end
    final $display("hwnas_fifo %m peak %0d depth %0d", peak, DEPTH);
`endif
endmodule
