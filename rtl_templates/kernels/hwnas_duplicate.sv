// Stream fan-out (FINN's DuplicateStreams), hls_templates/kernels/duplicate.hpp's duplicate.
//
// Parameters: WIDTH (word bits; the HLS template calls it W), WORDS (words per frame; the words
// are passed on one by one, so it does not change the logic), BRANCHES (outputs, at least 2).
//
// Every input word goes to every branch. Each branch has its own output register, so a branch that
// is slow to take its word holds the input back only once its register is full and not draining;
// a word moves in when every branch can take it: WORDS cycles per frame. The outputs are packed:
// branch b's word in out_tdata[b*WIDTH +: WIDTH], its handshake in out_tvalid[b] / out_tready[b].
module hwnas_duplicate #(
    parameter int WIDTH = 8,
    parameter int WORDS = 1,
    parameter int BRANCHES = 2
) (
    input  logic                      ap_clk,
    input  logic                      ap_rst_n,
    input  logic [WIDTH-1:0]          in0_tdata,
    input  logic                      in0_tvalid,
    output logic                      in0_tready,
    output logic [BRANCHES*WIDTH-1:0] out_tdata,
    output logic [BRANCHES-1:0]       out_tvalid,
    input  logic [BRANCHES-1:0]       out_tready
);
    wire [BRANCHES-1:0] free = ~out_tvalid | out_tready;  // the register is empty or moves its word now
    assign in0_tready = &free;
    wire in_fire = in0_tvalid && in0_tready;

    for (genvar b = 0; b < BRANCHES; b++) begin : g_branch
        always_ff @(posedge ap_clk) begin
            if (!ap_rst_n) begin
                out_tvalid[b] <= 1'b0;
            end else if (free[b]) begin
                out_tvalid[b] <= in_fire;
                if (in_fire) begin
                    out_tdata[b*WIDTH +: WIDTH] <= in0_tdata;
                end
            end
        end
    end
endmodule
