"""A throwaway PostgreSQL cluster for the register's tests: initdb into a temporary folder, a Unix socket only.

One cluster serves the whole run (started on first use, stopped when pytest
ends); each test gets a database of its own. Debian keeps ``initdb`` and
``pg_ctl`` in ``/usr/lib/postgresql/<version>/bin``, off PATH, so that is
searched too. initdb refuses to run as root, so under root (CI) the cluster
runs as ``nobody`` in a folder that user owns. No TCP port is opened
(``listen_addresses=''``), and authentication is ``trust`` on the socket,
which is only reachable inside the folder.
"""

from __future__ import annotations

import itertools
import os
import pwd
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

# The logins the tests act as. Team A: two officers (so four eyes can be met); team B: one;
# an auditor; and an officer in no team at all.
OFFICERS = {"alice": "team_a", "bob": "team_a", "carol": "team_b"}
AUDITORS = ("audrey",)
TEAMLESS = ("tom",)


def _version_key(path: Path) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", path.parent.name)) or (0,)


def find_binaries() -> tuple[str, str] | None:
    initdb, pg_ctl = shutil.which("initdb"), shutil.which("pg_ctl")
    if initdb and pg_ctl:
        return initdb, pg_ctl
    for bindir in sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=_version_key, reverse=True):
        if (bindir / "initdb").is_file() and (bindir / "pg_ctl").is_file():
            return str(bindir / "initdb"), str(bindir / "pg_ctl")
    return None


@dataclass
class Cluster:
    folder: Path
    pg_ctl: str
    as_user: list[str]
    counter: itertools.count[int]

    @property
    def socket_dir(self) -> str:
        return str(self.folder)

    def url(self, user: str = "postgres", database: str = "postgres"):  # -> sqlalchemy URL
        from lendready.register.repository import postgresql_url

        return postgresql_url(host=self.socket_dir, user=user, database=database)

    def new_database(self) -> str:
        """A fresh database, named for this run, owned by the superuser."""
        import sqlalchemy as sa

        name = f"register_{next(self.counter)}"
        engine = sa.create_engine(self.url(), isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                # A generated name, from a counter: quoted as an identifier all the same.
                quoted = conn.dialect.identifier_preparer.quote(name)
                conn.exec_driver_sql("CREATE DATABASE " + quoted)
        finally:
            engine.dispose()
        return name

    def stop(self) -> None:
        subprocess.run(
            [*self.as_user, self.pg_ctl, "-D", str(self.folder / "data"), "-m", "immediate", "-w", "stop"],
            capture_output=True, check=False, timeout=60,
        )
        shutil.rmtree(self.folder, ignore_errors=True)


_CLUSTER: Cluster | None = None
_FAILED: str | None = None


def _runner(folder: Path) -> list[str]:
    if os.geteuid() != 0:
        return []
    nobody = pwd.getpwnam("nobody")
    os.chown(folder, nobody.pw_uid, nobody.pw_gid)
    if shutil.which("runuser"):
        return ["runuser", "-u", "nobody", "--"]
    if shutil.which("setpriv"):
        return ["setpriv", f"--reuid={nobody.pw_uid}", f"--regid={nobody.pw_gid}", "--clear-groups"]
    raise RuntimeError("running as root, and neither runuser nor setpriv is here to run PostgreSQL as nobody")


def _start() -> Cluster:
    binaries = find_binaries()
    if binaries is None:
        raise LookupError(
            "PostgreSQL server binaries (initdb, pg_ctl) not found on PATH or in /usr/lib/postgresql/*/bin; "
            "install the Debian package postgresql to run these tests"
        )
    initdb, pg_ctl = binaries
    # A short path under /tmp: a Unix socket's path must fit in about 100 bytes.
    folder = Path(tempfile.mkdtemp(prefix="lr-pg-", dir="/tmp" if os.path.isdir("/tmp") else None))
    as_user = _runner(folder)
    data = folder / "data"
    try:
        subprocess.run(
            [*as_user, initdb, "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-locale",
             "--no-sync"],
            capture_output=True, text=True, check=True, timeout=120,
        )
        options = f"-k {folder} -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        subprocess.run(
            [*as_user, pg_ctl, "-D", str(data), "-l", str(folder / "server.log"), "-w", "-t", "60", "-o", options,
             "start"],
            capture_output=True, text=True, check=True, timeout=120,
        )
    except subprocess.CalledProcessError as exc:
        log = (folder / "server.log").read_text(errors="replace") if (folder / "server.log").exists() else ""
        shutil.rmtree(folder, ignore_errors=True)
        raise RuntimeError(f"the throwaway PostgreSQL would not start: {exc.stderr}\n{log}") from None
    cluster = Cluster(folder, pg_ctl, as_user, itertools.count(1))
    _create_logins(cluster)
    return cluster


def _create_logins(cluster: Cluster) -> None:
    """The LOGIN roles the tests act as; the group roles they join come from the register's migration."""
    import sqlalchemy as sa

    engine = sa.create_engine(cluster.url(), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            for name in (*OFFICERS, *AUDITORS, *TEAMLESS):
                # Fixed names from this module's constants.
                conn.exec_driver_sql("CREATE ROLE " + conn.dialect.identifier_preparer.quote(name) + " LOGIN")
    finally:
        engine.dispose()


def cluster(config: pytest.Config) -> Cluster:
    """The run's cluster (started once; stopped when pytest ends), or skip saying why not."""
    global _CLUSTER, _FAILED
    if _FAILED is not None:
        pytest.skip(_FAILED)
    if _CLUSTER is None:
        try:
            _CLUSTER = _start()
        except LookupError as exc:
            _FAILED = str(exc)
            pytest.skip(_FAILED)
        config.add_cleanup(_stop)
    return _CLUSTER


def _stop() -> None:
    global _CLUSTER
    if _CLUSTER is not None:
        _CLUSTER.stop()
        _CLUSTER = None


def prepare_database(c: Cluster) -> str:
    """A new database at the register's newest schema, with teams A and B and their members."""
    import sqlalchemy as sa

    from lendready.register.migrate import upgrade
    from lendready.register.schema import team_members, teams

    name = c.new_database()
    engine = sa.create_engine(c.url(database=name))
    try:
        upgrade(engine)
        with engine.begin() as conn:
            conn.execute(teams.insert(), [{"id": "team_a", "name": "Team A"}, {"id": "team_b", "name": "Team B"}])
            conn.execute(team_members.insert(), [{"role_name": u, "team": t} for u, t in OFFICERS.items()])
            preparer = conn.dialect.identifier_preparer
            for user in OFFICERS:
                conn.exec_driver_sql("GRANT lendready_app TO " + preparer.quote(user))
            for user in TEAMLESS:
                conn.exec_driver_sql("GRANT lendready_app TO " + preparer.quote(user))
            for user in AUDITORS:
                conn.exec_driver_sql("GRANT lendready_auditor TO " + preparer.quote(user))
    finally:
        engine.dispose()
    return name
