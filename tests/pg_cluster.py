"""A throwaway PostgreSQL cluster for the tests that must stop, restart or kill the
database under the application: its own directory and port, never the shared server.

`Cluster.start_new()` makes one (skipping the test with the reason when it cannot);
`stop()`, `start()` and `destroy()` drive it. Run as the `postgres` account when the
tests run as root, since PostgreSQL refuses to run as root.
"""

from __future__ import annotations

import os
import pwd
import shlex
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))


def free_port() -> int:
    """A TCP port on loopback that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _as_owner(command: list[str]) -> list[str]:
    """`command` run as `postgres` when the tests run as root."""
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", "postgres", "--", *command]


@dataclass
class Cluster:
    folder: Path
    port: int

    @property
    def data(self) -> Path:
        return self.folder / "data"

    def url(self, database: str = "postgres") -> str:
        """The SQLAlchemy URL of `database` on this cluster."""
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def _ctl(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
        command = [str(BIN / "pg_ctl"), "-D", str(self.data), *args]
        return subprocess.run(
            _as_owner(command), capture_output=True, text=True, timeout=timeout, check=False
        )

    def start(self) -> None:
        """Start the cluster and wait until it accepts connections; raises
        `RuntimeError` with its log when it does not."""
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        done = self._ctl("-o", options, "-l", str(self.folder / "log"), "-w", "start")
        if done.returncode != 0:
            log = (self.folder / "log").read_text(errors="replace")[-2000:]
            raise RuntimeError(f"pg_ctl start failed: {done.stderr}\n{log}")

    def stop(self, mode: str = "fast") -> None:
        """Stop the cluster (`mode`: smart, fast or immediate) and wait until it has."""
        self._ctl("-m", mode, "-w", "stop")

    def create_database(self, name: str) -> str:
        """A new empty database on the cluster; its URL."""
        import sqlalchemy

        engine = sqlalchemy.create_engine(self.url(), isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        engine.dispose()
        return self.url(name)

    def destroy(self) -> None:
        """Stop the cluster at once and remove its directory."""
        self.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)

    @classmethod
    def start_new(cls) -> Cluster:
        """A new cluster, started; skips the calling test, saying why, when PostgreSQL's
        binaries are absent or the cluster cannot be made or started."""
        if not (BIN / "initdb").exists() or not (BIN / "pg_ctl").exists():
            pytest.skip(f"PostgreSQL's initdb and pg_ctl are not in {BIN}")
        if os.geteuid() == 0:
            if shutil.which("runuser") is None:
                pytest.skip("running as root without runuser to start PostgreSQL as postgres")
            try:
                owner = pwd.getpwnam("postgres")
            except KeyError:
                pytest.skip("running as root and there is no postgres account to run PostgreSQL")
        folder = Path(tempfile.mkdtemp(prefix="tracker-pg-"))
        folder.chmod(0o755)
        if os.geteuid() == 0:
            os.chown(folder, owner.pw_uid, owner.pw_gid)
        cluster = cls(folder, free_port())
        made = subprocess.run(
            _as_owner(
                [str(BIN / "initdb"), "-D", str(cluster.data), "-A", "trust", "-U", "postgres"]
                + ["--no-sync", "-E", "UTF8", "--locale", "C.UTF-8"]
            ),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if made.returncode != 0:
            shutil.rmtree(folder, ignore_errors=True)
            pytest.skip(f"initdb could not make a cluster: {shlex.quote(made.stderr[-500:])}")
        try:
            cluster.start()
        except RuntimeError as failed:
            shutil.rmtree(folder, ignore_errors=True)
            pytest.skip(f"the throwaway PostgreSQL cluster did not start: {failed}")
        return cluster
