// Test-only wrapper of hwnas_duplicate that names its packed branches out0, out1, out2, the port
// names the harness of tests/rtl/test_rtl_duplicate.py drives; out2 is idle when BRANCHES is 2.
module hwnas_duplicate_ports #(
    parameter int WIDTH = 8,
    parameter int WORDS = 1,
    parameter int BRANCHES = 2
) (
    input  logic             ap_clk,
    input  logic             ap_rst_n,
    input  logic [WIDTH-1:0] in0_tdata,
    input  logic             in0_tvalid,
    output logic             in0_tready,
    output logic [WIDTH-1:0] out0_tdata,
    output logic             out0_tvalid,
    input  logic             out0_tready,
    output logic [WIDTH-1:0] out1_tdata,
    output logic             out1_tvalid,
    input  logic             out1_tready,
    output logic [WIDTH-1:0] out2_tdata,
    output logic             out2_tvalid,
    input  logic             out2_tready
);
    logic [BRANCHES*WIDTH-1:0] tdata;
    logic [BRANCHES-1:0] tvalid, tready;
    hwnas_duplicate #(.WIDTH(WIDTH), .WORDS(WORDS), .BRANCHES(BRANCHES)) dut (
        .ap_clk(ap_clk), .ap_rst_n(ap_rst_n), .in0_tdata(in0_tdata), .in0_tvalid(in0_tvalid),
        .in0_tready(in0_tready), .out_tdata(tdata), .out_tvalid(tvalid), .out_tready(tready)
    );
    assign out0_tdata = tdata[0 +: WIDTH];
    assign out0_tvalid = tvalid[0];
    assign out1_tdata = tdata[WIDTH +: WIDTH];
    assign out1_tvalid = tvalid[1];
    if (BRANCHES == 3) begin : g_three
        assign out2_tdata = tdata[2*WIDTH +: WIDTH];
        assign out2_tvalid = tvalid[2];
        assign tready = {out2_tready, out1_tready, out0_tready};
    end else begin : g_two
        assign out2_tdata = '0;
        assign out2_tvalid = 1'b0;
        assign tready = {out1_tready, out0_tready};
    end
endmodule
