"""The RTL backend: SystemVerilog for the folded dataflow graph (rtl_templates/), simulated with
Verilator (``--rtlsim``) and synthesized with Yosys (``--synth``)."""
