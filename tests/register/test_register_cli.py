"""``lendready register ...``: upgrade, import, export and list, as a person types them."""

from __future__ import annotations

import argparse
import subprocess
import sys

import pg_cluster
import pytest
from conftest import SAMPLES

from lendready.register.cli import EXIT_OK, EXIT_REFUSED, EXIT_USAGE, add_parser, run
from lendready.register.migrate import HEAD


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise SystemExit(f"usage error: {message}")


def _run(*argv: str) -> tuple[int, str, str]:
    parser = _Parser(prog="lendready")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)
    add_parser(sub, _Parser)
    args = parser.parse_args(list(argv))
    out: list[str] = []
    err: list[str] = []
    status = run(args, out.append, lambda m: err.append(f"lendready: {m}\n"))
    return status, "".join(out), "".join(err)


@pytest.fixture
def url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'register.sqlite3'}"


def test_register_cli_import_list_export_round_trip(url, tmp_path):
    status, out, err = _run("register", "upgrade", "--url", url)
    assert status == EXIT_OK and f"from schema none to {HEAD}" in out, err
    status, out, err = _run("register", "import", "--url", url, "--officer", "alice",
                            str(SAMPLES / "riverside.lendready"), str(SAMPLES / "vale.lendready"))
    assert status == EXIT_OK, err
    assert out.count("Registered ") == 2 and "Riverside Community Health CIC" in out

    status, out, _ = _run("register", "list", "--url", url)
    lines = out.splitlines()
    assert status == EXIT_OK and lines[0].startswith("Updated (UTC)") and len(lines) == 3
    assert "alice" in lines[1] and "received" in lines[1]

    status, out, _ = _run("register", "list", "--url", url, "--search", "riverside")
    assert len(out.splitlines()) == 2 and "Riverside" in out
    status, out, _ = _run("register", "list", "--url", url, "--status", "approved")
    assert out == "No cases.\n"
    status, out, _ = _run("register", "list", "--url", url, "--limit", "1")
    assert "More: lendready register list --cursor " in out

    case_id = "4a1a6d4e-5001-4764-ab02-787026c6e3ec"  # riverside's
    target = tmp_path / "back.lendready"
    status, out, err = _run("register", "export", "--url", url, case_id, "-o", str(target))
    assert status == EXIT_OK, err
    assert target.read_bytes() == (SAMPLES / "riverside.lendready").read_bytes()

    status, _, err = _run("register", "upgrade", "--url", url)
    assert status == EXIT_OK


def test_register_cli_refusals(url, tmp_path):
    _run("register", "upgrade", "--url", url)
    status, _, err = _run("register", "import", "--url", url, str(SAMPLES / "vale.lendready"),
                          str(SAMPLES / "vale.lendready"))
    assert status == EXIT_REFUSED and "already in the register" in err
    bad = tmp_path / "bad.lendready"
    bad.write_text("{not json", encoding="utf-8")
    status, _, err = _run("register", "import", "--url", url, str(bad))
    assert status == EXIT_REFUSED and "not valid JSON" in err
    status, _, err = _run("register", "export", "--url", url, "nope", "-o", str(tmp_path / "x.lendready"))
    assert status == EXIT_REFUSED and "no case nope" in err
    assert not (tmp_path / "x.lendready").exists()


def test_register_cli_refuses_a_password_in_the_url():
    status, _, err = _run("register", "list", "--url", "postgresql://alice:secret@db.example.org/lendready")
    assert status == EXIT_USAGE and "pgpass" in err and "secret" not in err


def test_register_cli_an_old_server_schema_says_to_upgrade(request):
    cluster = pg_cluster.cluster(request.config)
    database = cluster.new_database()
    url = cluster.url(database=database).render_as_string(hide_password=False)
    status, _, err = _run("register", "list", "--url", url)
    assert status == EXIT_REFUSED and "lendready register upgrade" in err
    status, out, err = _run("register", "upgrade", "--url", url)
    assert status == EXIT_OK and f"to {HEAD}" in out, err
    status, out, err = _run("register", "list", "--url", url)
    assert status == EXIT_OK and out == "No cases.\n", err


def test_register_cli_default_is_the_sqlite_file_in_the_data_folder(tmp_path):
    env_dir = tmp_path / "data"
    code = (
        "import sys; from lendready.register.cli import add_parser, run; import argparse\n"
        "p = argparse.ArgumentParser(); s = p.add_subparsers(dest='command'); add_parser(s, argparse.ArgumentParser)\n"
        "sys.exit(run(p.parse_args(['register', 'list']), sys.stdout.write, sys.stderr.write))\n"
    )
    import os

    env = dict(os.environ, LENDREADY_DATA_DIR=str(env_dir), LENDREADY_CONFIG_DIR=str(tmp_path / "config"))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "No cases.\n"
    register = env_dir / "register.sqlite3"
    assert register.is_file() and (register.stat().st_mode & 0o077) == 0


def test_register_cli_is_wired_into_lendready_when_the_lead_adds_it():
    from lendready import cli

    if "register" not in cli.COMMANDS:
        pytest.skip("lendready.cli does not route `register` yet")
    done = subprocess.run([sys.executable, "-m", "lendready", "register", "--help"], capture_output=True, text=True)
    assert done.returncode == 0 and "upgrade" in done.stdout


def test_register_file_in_an_existing_folder_leaves_the_folder_as_it_was(tmp_path):
    from lendready.register.repository import Register, make_engine, sqlite_url

    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    shared.chmod(0o755)
    make_engine(sqlite_url(shared / "register.sqlite3")).dispose()
    assert shared.stat().st_mode & 0o777 == 0o755
    assert (shared / "register.sqlite3").stat().st_mode & 0o077 == 0
    with Register.open(sqlite_url(shared / "register.sqlite3"), upgrade=True) as register:
        register.list_cases()
        companions = [p for p in shared.iterdir() if p.name != "register.sqlite3"]
        assert all(p.stat().st_mode & 0o077 == 0 for p in companions), companions
    fresh = tmp_path / "new" / "folder"
    make_engine(sqlite_url(fresh / "register.sqlite3")).dispose()
    assert fresh.stat().st_mode & 0o777 == 0o700


def test_register_cli_fits_the_real_lendready_parser(url, tmp_path):
    """What the two wiring lines in lendready.cli do, on its real parser (its --version too)."""
    from lendready import cli

    parser = cli.build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    if "register" not in sub.choices:
        add_parser(sub, cli._Parser)
    args = parser.parse_args(["register", "export", "--url", url, "some-id", "-o", str(tmp_path / "x"),
                              "--version", "2"])
    assert (args.command, args.register_command, args.case_id, args.version) == ("register", "export", "some-id", 2)
    written: list[str] = []
    assert run(parser.parse_args(["register", "upgrade", "--url", url]), written.append, written.append) == EXIT_OK
    with pytest.raises(SystemExit) as usage:
        parser.parse_args(["register", "list", "--limit", "many"])
    assert usage.value.code == cli.EXIT_USAGE
