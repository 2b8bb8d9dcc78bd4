from hwnas.arch import arch_from_dict
from hwnas.board import load_board
from hwnas.cost import estimate, optimise_folding
from hwnas.report.estimate_report import estimate_dict, render_html, render_markdown


def test_html_reports_escape_names_from_user_files_and_markdown_does_not():
    arch = arch_from_dict({
        "name": "<script>alert(1)</script>",
        "input": {"features": 64, "bits": 1},
        "classes": 4,
        "layers": [{"linear": {"out": 16}}, {"linear": {"out": 4}}],
    })
    board = load_board("pynq-z2")
    data = estimate_dict(estimate(arch, optimise_folding(arch, board, fps=1000), board), board, target_fps=1000)
    html = render_html(data)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert "<script>alert(1)</script>" in render_markdown(data)
