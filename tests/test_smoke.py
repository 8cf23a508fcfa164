def test_init_then_draft(cli, tmp_path):
    r = cli("init", str(tmp_path / "news"), cwd=tmp_path)
    assert r.exit_code == 0, r.output
    r = cli("draft", cwd=tmp_path / "news")
    assert r.exit_code == 0, r.output
    assert "No problems found." in r.stdout
