from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fake_mailchimp import FakeMailchimp

# Never a real key: a recognisable canary that must not show up in any output or file.
CANARY_KEY = "c4nary5ecret0000deadbeefcafef00d-us6"


class MemoryKeyring:
    """A keyring backend that keeps passwords in a dict, so tests never touch the system's."""

    def __init__(self) -> None:
        import keyring.backend

        base = keyring.backend.KeyringBackend

        class _Backend(base):  # type: ignore[misc, valid-type]
            priority = 1  # type: ignore[assignment]

            def __init__(inner) -> None:
                super().__init__()
                inner.store: dict[tuple[str, str], str] = {}

            def get_password(inner, service: str, username: str) -> str | None:
                return inner.store.get((service, username))

            def set_password(inner, service: str, username: str, password: str) -> None:
                inner.store[(service, username)] = password

            def delete_password(inner, service: str, username: str) -> None:
                import keyring.errors

                if (service, username) not in inner.store:
                    raise keyring.errors.PasswordDeleteError("not found")
                del inner.store[(service, username)]

        self.backend = _Backend()


@pytest.fixture(autouse=True)
def isolated_env(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """HOME and XDG folders in a temporary folder, no provider keys, an in-memory keyring."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        monkeypatch.setenv(name, str(home / name.lower()))
    for name in ("MAILCHIMP_API_KEY", "BUTTONDOWN_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    import keyring

    previous = keyring.get_keyring()
    memory = MemoryKeyring().backend
    keyring.set_keyring(memory)
    yield memory
    keyring.set_keyring(previous)


@pytest.fixture
def mailchimp() -> Iterator[FakeMailchimp]:
    """A running stand-in Mailchimp; the test fails if any request broke the API contract."""
    fake = FakeMailchimp(key=CANARY_KEY)
    fake.add_list("a1b2c3d4e5", "Team update", 312)
    with fake:
        yield fake
    assert fake.violations == [], "requests the real API would refuse:\n" + "\n".join(
        fake.violations
    )


@pytest.fixture
def tmp_workspace(tmp_path: Path) -> Path:
    return tmp_path
