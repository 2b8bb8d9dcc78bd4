from conftest import REPO, run_cli


def test_examples_lists_the_packaged_specs_and_copies_them_out(tmp_path):
    result = run_cli("examples")
    assert result.returncode == 0, result.stderr
    for name in ("tfc-w1a1", "sfc-w1a1", "lfc-w1a1", "cnv-w1a1", "res-fmnist", "res-cnv", "cell-bnas", "conv4-fmnist"):
        assert name in result.stdout
    result = run_cli("examples", "--copy", str(tmp_path / "mine"))
    assert result.returncode == 0, result.stderr
    copied = sorted(str(p.relative_to(tmp_path / "mine")) for p in (tmp_path / "mine").rglob("*") if p.is_file())
    shipped = sorted(str(p.relative_to(REPO / "examples")) for p in (REPO / "examples").rglob("*") if p.is_file())
    assert copied == shipped and len(copied) == 9  # 8 specs and CNV's finn-examples folding
    assert (tmp_path / "mine" / "archs" / "cnv-w1a1.yaml").read_text() == (REPO / "examples" / "archs" / "cnv-w1a1.yaml").read_text()
