"""The provider registry: one row per provider, and everything that reads the rows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from copro_news import credentials
from copro_news.errors import CredentialsError, SettingsError, UsageError
from copro_news.providers import PROVIDERS, ProviderInfo, available, keyed, provider_info
from copro_news.providers.outbox import OutboxProvider
from copro_news.secret import Secret
from copro_news.settings import Settings, parse_settings, settings_toml
from tests.conftest import CANARY_KEY, SETTINGS

GOOD_KEY = "testmail0000good0000key"


class KeyedOutbox(OutboxProvider):
    """A provider that needs a key: the outbox, behind a key it checks."""

    name = "testmail"
    label = "Testmail"

    def __init__(self, folder: Path, key: Secret, api_url: str) -> None:
        super().__init__(folder)
        self.key = key
        self.api_url = api_url

    def verify(self) -> str:
        if self.key.reveal() != GOOD_KEY:
            raise CredentialsError("Testmail refused the key.")
        return f"Test account at {self.api_url or 'the usual place'}"


@pytest.fixture
def testmail(monkeypatch):
    """A provider added the way every provider is: one row in the registry."""
    made: list[KeyedOutbox] = []

    def factory(*, root: Path, api_url: str, key: Secret, **http: object) -> KeyedOutbox:
        made.append(KeyedOutbox(root / "testmail", key, api_url))
        return made[-1]

    row = ProviderInfo(
        "testmail",
        "Testmail",
        factory,
        key_variable="TESTMAIL_API_KEY",
        unsubscribe="[[UNSUBSCRIBE]]",
        default_list="outbox",
    )
    monkeypatch.setitem(PROVIDERS, "testmail", row)
    return made


def test_the_rows():
    assert available() == ("outbox", "mailchimp", "buttondown")
    assert keyed() == ("mailchimp", "buttondown")
    assert not PROVIDERS["buttondown"].planned
    assert PROVIDERS["buttondown"].key_variable == "BUTTONDOWN_API_KEY"
    assert PROVIDERS["buttondown"].unsubscribe == "{{ unsubscribe_url }}"
    assert PROVIDERS["buttondown"].default_list == "newsletter"
    assert PROVIDERS["buttondown"].template_tags == ("{{", "{%", "{#")
    assert PROVIDERS["buttondown"].own_text
    assert PROVIDERS["mailchimp"].unsubscribe == "*|UNSUB|*"
    assert not PROVIDERS["mailchimp"].template_tags and not PROVIDERS["mailchimp"].own_text
    assert not PROVIDERS["outbox"].delivers and not PROVIDERS["outbox"].needs_key


@pytest.mark.parametrize("name", available())
def test_each_row_makes_its_provider(tmp_path, name):
    info = PROVIDERS[name]
    key = Secret(CANARY_KEY) if info.needs_key else None
    provider = info.make(root=tmp_path, key=key)
    try:
        assert (provider.name, provider.label) == (info.name, info.label)
    finally:
        provider.close()


def test_the_outbox_has_its_default_list(tmp_path):
    info = PROVIDERS["outbox"]
    provider = info.make(root=tmp_path)
    assert [lst.id for lst in provider.lists()] == [info.default_list]


def test_a_planned_provider_cannot_be_made(tmp_path, monkeypatch):
    monkeypatch.setitem(
        PROVIDERS, "newmail", ProviderInfo("newmail", "Newmail", None, planned=True)
    )
    with pytest.raises(UsageError) as info:
        provider_info("newmail")
    assert info.value.message == "copro-news cannot send through Newmail yet."
    with pytest.raises(UsageError):
        PROVIDERS["newmail"].make(root=tmp_path, key=Secret("k" * 20))
    with pytest.raises(UsageError, match="Unknown provider 'sendgrid'"):
        provider_info("sendgrid")


def test_a_row_needs_a_factory_unless_planned():
    with pytest.raises(ValueError):
        ProviderInfo("x", "X", None)


def test_the_credentials_read_the_key_variable_of_each_row(monkeypatch):
    for info in PROVIDERS.values():
        if not info.needs_key:
            continue
        with pytest.raises(CredentialsError) as e:
            credentials.api_key(info.name)
        assert e.value.message == f"No {info.label} API key."
        assert e.value.hint == f"Run 'copro-news login {info.name}', or set {info.key_variable}."
        value = f"{info.name}0000from0000env"
        monkeypatch.setenv(info.key_variable, value)
        assert credentials.api_key(info.name).reveal() == value
        assert credentials.redact(f"[{value}]") == "[********]"
    with pytest.raises(CredentialsError, match="keeps no API key for 'outbox'"):
        credentials.api_key("outbox")


def test_each_provider_fills_its_own_unsubscribe_link(testmail):
    from copro_news.render import unsubscribe_placeholder

    settings = Settings()
    settings.sender.email = "hello@example.org"
    assert unsubscribe_placeholder(settings, "mailchimp") == "*|UNSUB|*"
    assert unsubscribe_placeholder(settings, "buttondown") == "{{ unsubscribe_url }}"
    assert unsubscribe_placeholder(settings, "testmail") == "[[UNSUBSCRIBE]]"
    assert unsubscribe_placeholder(settings, "outbox") == (
        "mailto:hello@example.org?subject=Unsubscribe"
    )


def test_the_settings_take_the_providers_of_the_registry(testmail, monkeypatch):
    text = SETTINGS.replace('name = "outbox"', 'name = "testmail"')
    settings, _ = parse_settings(text, "copro-news.toml", Settings)
    assert settings.provider.name == "testmail"
    assert "One of: outbox, mailchimp, buttondown, testmail." in settings_toml({})

    planned = ProviderInfo("newmail", "Newmail", None, planned=True)
    monkeypatch.setitem(PROVIDERS, "newmail", planned)
    with pytest.raises(SettingsError) as info:
        parse_settings(text.replace("testmail", "newmail"), "copro-news.toml", Settings)
    (problem,) = info.value.problems
    assert problem.message == "'provider.name': copro-news cannot send through newmail yet."
    assert problem.hint == "Use one of: outbox, mailchimp, buttondown, testmail."


# --- login checks a key with the provider it names -----------------------------------------------


def test_login_checks_the_key_with_the_provider_named(cli, tmp_path, testmail, memory_keyring):
    r = cli("login", "testmail", cwd=tmp_path, input="wrong0000key0000here\n")
    assert r.exit_code == 1
    assert "Error: Testmail refused the key." in r.stderr
    assert memory_keyring.store == {}

    r = cli("login", "testmail", cwd=tmp_path, input=GOOD_KEY + "\n")
    assert r.exit_code == 0, r.output
    assert "Testmail accepted the key: Test account at the usual place." in r.stderr
    assert "The Testmail API key is in the system keyring." in r.stdout
    assert memory_keyring.store == {("copro-news", "testmail"): GOOD_KEY}
    assert GOOD_KEY not in r.output


def test_login_uses_the_workspace_api_url_of_that_provider_only(cli, workspace, testmail):
    toml = workspace / "copro-news.toml"
    local = 'name = "testmail"\napi_url = "http://127.0.0.1:9/api"'
    toml.write_text(SETTINGS.replace('name = "outbox"', local))
    r = cli("login", "testmail", cwd=workspace, input=GOOD_KEY + "\n")
    assert "Testmail accepted the key: Test account at http://127.0.0.1:9/api." in r.stderr

    toml.write_text(
        SETTINGS.replace('name = "outbox"', 'name = "outbox"\napi_url = "http://x.org"')
    )
    r = cli("login", "testmail", cwd=workspace, input=GOOD_KEY + "\n")
    assert "Test account at the usual place." in r.stderr


def test_a_new_provider_sends_with_its_key_from_the_environment(
    cli, workspace, testmail, monkeypatch
):
    toml = workspace / "copro-news.toml"
    toml.write_text(SETTINGS.replace('name = "outbox"', 'name = "testmail"'))
    r = cli("lists", "--json", cwd=workspace)
    assert r.exit_code == 1
    assert "Hint: Run 'copro-news login testmail', or set TESTMAIL_API_KEY." in r.stderr

    monkeypatch.setenv("TESTMAIL_API_KEY", GOOD_KEY)
    r = cli("lists", "--json", cwd=workspace)
    assert r.exit_code == 0, r.output
    assert [lst["id"] for lst in json.loads(r.stdout)["lists"]] == ["outbox"]
    assert testmail[-1].key.reveal() == GOOD_KEY
