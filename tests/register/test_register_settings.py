"""Where the register is, from the settings: SQLite here by default, a team's PostgreSQL when set; never a password."""

from __future__ import annotations

import pytest

from lendready.model.settings import Settings
from lendready.register.migrate import HEAD
from lendready.register.repository import Register, default_sqlite_path, postgresql_url, settings_url


def test_register_settings_default_is_the_sqlite_file_in_the_data_folder():
    url = settings_url(Settings())
    assert url.get_backend_name() == "sqlite" and url.database == str(default_sqlite_path())
    assert default_sqlite_path().name == "register.sqlite3"


def test_register_settings_postgresql_url_has_no_password():
    s = Settings()
    s.register_backend = "postgresql"
    s.register_host = "db.example.org"
    s.register_port = 5433
    s.register_user = "alice"
    url = settings_url(s)
    assert url.drivername == "postgresql+psycopg" and url.password is None
    assert (url.host, url.port, url.username, url.database) == ("db.example.org", 5433, "alice", "lendready")
    assert url.query == {"sslmode": "verify-full"}
    assert url.render_as_string(hide_password=False) == (
        "postgresql+psycopg://alice@db.example.org:5433/lendready?sslmode=verify-full")


def test_register_settings_socket_folder_and_libpq_defaults():
    url = postgresql_url(host="/run/postgresql", database="lendready")
    assert url.host is None and url.username is None and url.port is None
    assert url.query == {"host": "/run/postgresql"}


@pytest.mark.parametrize(("field", "value"), [
    ("register_backend", "mysql"), ("register_sslmode", "sometimes"), ("register_port", 70000),
    ("register_port", True), ("register_host", "db\nhost"), ("register_user", 5),
])
def test_register_settings_refuse_bad_values(field, value):
    with pytest.raises(ValueError):
        setattr(Settings(), field, value)
    assert getattr(Settings.from_dict({field: value}), field) == getattr(Settings(), field)


def test_register_settings_have_no_password_and_stay_out_of_an_unused_file():
    with pytest.raises(AttributeError):
        Settings().register_password = "secret"  # type: ignore[attr-defined]
    assert not any(k.startswith("register_") for k in Settings().to_dict())
    s = Settings()
    s.register_backend = "postgresql"
    assert Settings.from_dict(s.to_dict()).register_backend == "postgresql"


def test_register_from_settings_opens_and_upgrades_the_sqlite_file(tmp_path, knowledge):
    s = Settings()
    s.register_sqlite_path = str(tmp_path / "mine.sqlite3")
    with Register.from_settings(s, knowledge=knowledge) as register:
        assert register.revision() == HEAD and register.list_cases().cases == ()
        assert register.team == "local"
