from pathlib import Path

import pytest

from copro_news.errors import SettingsError, WorkspaceError
from copro_news.workspace import find_root, load_settings, load_workspace, next_month
from tests.conftest import SETTINGS, build_file_tree


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "copro-news.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_valid_settings_load(tmp_path):
    settings, warnings = load_settings(write(tmp_path, SETTINGS))
    assert settings.name == "Co-Production Collective"
    assert settings.sender.reply_to == "hello@example.org"
    assert settings.links["signup"] == "https://example.org/newsletter"
    assert settings.provider.name == "outbox"
    assert str(settings.tz) == "Europe/London"
    assert warnings == []


def test_misspelt_settings_are_errors_with_a_did_you_mean_and_their_line(tmp_path):
    text = SETTINGS.replace('timezone = "Europe/London"', 'timezon = "America/New_York"')
    text = text.replace('reply_to = "hello@example.org"', 'replyto = "hello@example.org"')
    with pytest.raises(SettingsError) as info:
        load_settings(write(tmp_path, text))
    by_message = {p.message: p for p in info.value.problems}
    top = by_message["Unknown setting 'timezon': 'timezone' is left at its default."]
    assert (top.code, top.severity, top.line) == ("settings-invalid", "error", 2)
    assert top.hint == "Did you mean 'timezone'? Correct the spelling."
    sub = by_message["Unknown setting '[sender] replyto': 'reply_to' is left at its default."]
    assert sub.line == 8


def test_other_unknown_settings_are_warnings(tmp_path):
    text = 'colour = "green"\nlocal = "x"\n' + SETTINGS
    _settings, warnings = load_settings(write(tmp_path, text))
    assert {(w.code, w.severity) for w in warnings} == {("settings-unknown", "warning")}
    local = next(w for w in warnings if "local" in w.message)
    assert local.hint == "Did you mean 'locale'?"  # locale is set, so this is something else


def test_every_settings_error_is_listed_at_once(tmp_path):
    text = (
        SETTINGS.replace('email = "news@example.org"', 'email = "not-an-address"')
        .replace('timezone = "Europe/London"', 'timezone = "Europe/Londres"')
        .replace('name = "outbox"', 'name = "mailchimpp"')
        .replace('website = "https://example.org"', 'website = "example.org"')
    )
    with pytest.raises(SettingsError) as info:
        load_settings(write(tmp_path, text))
    messages = [p.message for p in info.value.problems]
    assert any("not an email address" in m for m in messages)
    assert any("not a known time zone" in m for m in messages)
    assert any("not a provider" in m for m in messages)
    assert any("links.website" in m for m in messages)
    provider = next(p for p in info.value.problems if "provider" in p.message)
    assert provider.hint == "Did you mean 'mailchimp'?"
    assert info.value.exit_code == 1  # problems found in a file, not a usage error


def test_toml_syntax_error_names_the_line(tmp_path):
    with pytest.raises(SettingsError) as info:
        load_settings(write(tmp_path, 'name = "x"\nlocale = en_GB\n'))
    (problem,) = info.value.problems
    assert problem.code == "settings-invalid"
    assert problem.line == 2


def test_missing_required_settings(tmp_path):
    with pytest.raises(SettingsError) as info:
        load_settings(write(tmp_path, 'name = "Us"\n'))
    messages = {p.message for p in info.value.problems}
    assert "'sender.email' is missing." in messages
    assert "'sender.postal_address' is missing." in messages


def test_workspace_is_found_from_a_subfolder(tmp_path):
    build_file_tree(tmp_path, {"copro-news.toml": SETTINGS, "drafts": {"2026-12": {}}})
    assert find_root(tmp_path / "drafts" / "2026-12") == tmp_path.resolve()
    assert load_workspace(explicit=tmp_path).root == tmp_path.resolve()


def test_no_workspace_is_a_usage_error(tmp_path):
    with pytest.raises(WorkspaceError) as info:
        find_root(tmp_path)
    assert info.value.exit_code == 2
    assert str(info.value) == "This folder is not inside a copro-news workspace."
    assert info.value.hint == (
        "Run the command in your newsletter folder, give --workspace DIR, or make a workspace "
        "with: copro-news init"
    )
    with pytest.raises(WorkspaceError) as info:
        find_root(explicit=tmp_path)
    assert info.value.exit_code == 2
    assert str(info.value) == (
        f"{tmp_path} is not a copro-news workspace (no copro-news.toml there)."
    )
    assert info.value.hint == "Make one with: copro-news init DIR"


def test_next_month_wraps_the_year():
    from datetime import date

    assert next_month(date(2026, 12, 24)) == "2027-01"
    assert next_month(date(2026, 1, 31)) == "2026-02"


def test_a_planned_provider_is_refused_plainly(tmp_path, monkeypatch):
    from copro_news.providers import PROVIDERS, ProviderInfo

    monkeypatch.setitem(
        PROVIDERS, "newmail", ProviderInfo("newmail", "Newmail", None, planned=True)
    )
    with pytest.raises(SettingsError) as info:
        load_settings(write(tmp_path, SETTINGS.replace('name = "outbox"', 'name = "newmail"')))
    (problem,) = info.value.problems
    assert problem.message == "'provider.name': copro-news cannot send through newmail yet."
    assert problem.hint == "Use one of: outbox, mailchimp, buttondown."


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (
            'name = "x"\n[links]\na = "https://x.org"\n[links]\n',
            4,
            "The section [links] appears twice.",
        ),
        ('name = "x"\nname = "y"\n', 2, "A setting is given twice."),
        ("name = Co-Pro\n", 1, "A value cannot be read."),
        ('name = "x"\n[sender\n', 2, "A section heading is not closed."),
    ],
)
def test_toml_mistakes_in_plain_words(tmp_path, text, line, message):
    with pytest.raises(SettingsError) as info:
        load_settings(write(tmp_path, text))
    (problem,) = info.value.problems
    assert (problem.line, problem.message) == (line, message)
    assert "TOML" not in problem.message


def test_a_misspelt_section_is_named_at_its_heading(tmp_path):
    text = SETTINGS + '\n[link]\nwebsite = "https://example.org"\n'
    _settings, warnings = load_settings(write(tmp_path, text))
    (problem,) = warnings
    assert problem.message == "Unknown setting 'link'."
    assert problem.line == text.splitlines().index("[link]") + 1
