"""Build, start and stop the bundled Neo4j Community server (no Docker needed).

The server is the small Maven project in ``neo4j-server/``: Maven fetches Neo4j from Maven Central
once (cached in ~/.m2), and the JVM runs in the background with its data, logs, pid file and
generated password under ``CREDMATCH_NEO4J_HOME``.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import neo4j
from neo4j.exceptions import AuthError, Neo4jError, ServiceUnavailable

from credmatch.config import Settings
from credmatch.errors import ConfigError, Neo4jLaunchError

_MAIN_CLASS = "credmatch.neo4j.Neo4jServer"

# Servers this process started, kept so they can be reaped (and so Popen does not warn about a
# child it was dropped while running: the server is meant to outlive `credmatch neo4j start`).
_CHILDREN: dict[int, subprocess.Popen[bytes]] = {}


@dataclass(frozen=True)
class ServerStatus:
    running: bool
    pid: int | None
    uri: str
    home: Path


def find_server_dir(settings: Settings) -> Path:
    """Locate the Maven project: the setting, the source checkout, or the working directory."""
    candidates = [settings.neo4j_server_dir] if settings.neo4j_server_dir else []
    candidates += [Path(__file__).resolve().parents[3] / "neo4j-server", Path("neo4j-server")]
    for path in candidates:
        if (path / "pom.xml").is_file():
            return path.resolve()
    raise ConfigError(
        "cannot find the neo4j-server/ Maven project; set CREDMATCH_NEO4J_SERVER_DIR to its "
        "folder, or set NEO4J_URI to use a Neo4j you run yourself"
    )


def resolve_password(settings: Settings) -> str:
    """The Neo4j password: NEO4J_PASSWORD, or for the bundled server one generated once."""
    if settings.neo4j_password:
        return settings.neo4j_password
    if not settings.launches_neo4j:
        raise ConfigError("NEO4J_PASSWORD is required when NEO4J_URI is set")
    path = settings.neo4j_home / "password"
    if path.is_file():
        return path.read_text().strip()
    settings.neo4j_home.mkdir(parents=True, exist_ok=True)
    password = secrets.token_urlsafe(18)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(password + "\n")
    return password


class Neo4jLauncher:
    """Manages one bundled Neo4j server process described by the settings."""

    def __init__(self, settings: Settings) -> None:
        if not settings.launches_neo4j:
            raise ConfigError("NEO4J_URI is set: credmatch does not launch Neo4j; unset it first")
        self._settings = settings
        self._home = settings.neo4j_home.resolve()
        self._uri = settings.bolt_uri
        self._log_offset: int | None = None  # set when this launcher spawned the server

    @property
    def _pid_file(self) -> Path:
        return self._home / "neo4j.pid"

    @property
    def console_log(self) -> Path:
        return self._home / "console.log"

    def build(self) -> Path:
        """Compile the server and copy its jars, unless the build is newer than its sources."""
        server_dir = find_server_dir(self._settings)
        stamp = server_dir / "target" / "credmatch-build.stamp"
        sources = [server_dir / "pom.xml", *(server_dir / "src").rglob("*.java")]
        newest = max(p.stat().st_mtime for p in sources)
        if stamp.is_file() and stamp.stat().st_mtime >= newest:
            return server_dir
        mvn = shutil.which("mvn")
        if mvn is None:
            raise Neo4jLaunchError("Maven (mvn) is not on PATH; install Maven or set NEO4J_URI")
        result = subprocess.run(  # noqa: S603 - fixed argument list, no shell
            [mvn, "-B", "-q", "package", "-DskipTests"],
            cwd=server_dir,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            tail = (result.stdout + result.stderr)[-2000:]
            raise Neo4jLaunchError(f"building neo4j-server failed (mvn package):\n{tail}")
        stamp.touch()
        return server_dir

    def status(self) -> ServerStatus:
        pid = self._read_pid()
        return ServerStatus(running=pid is not None, pid=pid, uri=self._uri, home=self._home)

    def start(self) -> str:
        """Start the server in the background (if it is not running) and wait for Bolt."""
        password = resolve_password(self._settings)
        if self._read_pid() is None:
            self._spawn(self.build(), password)
        # Bolt opens before the server has set the password; wait for its READY line first.
        self._wait_for_ready()
        self._wait_for_bolt(password)
        return self._uri

    def stop(self, timeout_s: float = 60.0) -> bool:
        """Stop the server; returns False when it was not running."""
        pid = self._read_pid()
        if pid is None:
            return False
        os.killpg(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout_s
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        if _alive(pid):
            os.killpg(pid, signal.SIGKILL)
            while _alive(pid):
                time.sleep(0.1)
        child = _CHILDREN.pop(pid, None)
        if child is not None:
            child.wait()
        self._pid_file.unlink(missing_ok=True)
        return True

    def _spawn(self, server_dir: Path, password: str) -> None:
        java = shutil.which("java")
        if java is None:
            raise Neo4jLaunchError("java is not on PATH; install a Java 17+ runtime")
        self._home.mkdir(parents=True, exist_ok=True)
        heap = self._settings.neo4j_heap
        classpath = (
            f"{server_dir / 'target' / 'classes'}{os.pathsep}{server_dir / 'target' / 'lib'}/*"
        )
        env = {
            **os.environ,
            "CREDMATCH_NEO4J_HOME": str(self._home),
            "CREDMATCH_NEO4J_BOLT_PORT": str(self._settings.neo4j_bolt_port),
            "CREDMATCH_NEO4J_PAGECACHE": self._settings.neo4j_pagecache,
            "NEO4J_PASSWORD": password,
        }
        self._log_offset = self.console_log.stat().st_size if self.console_log.exists() else 0
        with self.console_log.open("ab") as log:
            proc = subprocess.Popen(  # noqa: S603 - fixed argument list, no shell
                [java, f"-Xms{heap}", f"-Xmx{heap}", "-XX:+UseG1GC", "-cp", classpath, _MAIN_CLASS],
                cwd=self._home,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        _CHILDREN[proc.pid] = proc
        self._pid_file.write_text(f"{proc.pid}\n")

    def _wait_for_ready(self) -> None:
        if self._log_offset is None:
            return
        deadline = time.monotonic() + self._settings.neo4j_start_timeout_s
        while time.monotonic() < deadline:
            self._check_running()
            with self.console_log.open("rb") as log:
                log.seek(self._log_offset)
                if b"READY " in log.read():
                    return
            time.sleep(0.2)
        raise Neo4jLaunchError(
            f"Neo4j did not start within {self._settings.neo4j_start_timeout_s:.0f}s; "
            f"see {self.console_log}:\n{self._log_tail()}"
        )

    def _check_running(self) -> None:
        if self._read_pid() is None:
            raise Neo4jLaunchError(
                f"Neo4j exited during start-up; see {self.console_log}:\n{self._log_tail()}"
            )

    def _wait_for_bolt(self, password: str) -> None:
        deadline = time.monotonic() + self._settings.neo4j_start_timeout_s
        last_error = "no answer yet"
        auth = (self._settings.neo4j_user, password)
        while time.monotonic() < deadline:
            self._check_running()
            try:
                with (
                    neo4j.GraphDatabase.driver(self._uri, auth=auth, connection_timeout=2) as d,
                    d.session() as session,
                ):
                    session.run(
                        "RETURN 1"
                    ).consume()  # a session does not retry, unlike execute_query
                return
            except AuthError as e:
                raise Neo4jLaunchError(f"Neo4j at {self._uri} rejected the password: {e}") from e
            except (ServiceUnavailable, Neo4jError, OSError) as e:
                last_error = str(e)
                time.sleep(0.5)
        raise Neo4jLaunchError(
            f"Neo4j did not answer on {self._uri} within "
            f"{self._settings.neo4j_start_timeout_s:.0f}s ({last_error}); see {self.console_log}"
        )

    def _read_pid(self) -> int | None:
        try:
            pid = int(self._pid_file.read_text().strip())
        except (FileNotFoundError, ValueError):
            return None
        cmdline = _cmdline(pid)  # empty for a moment while the java launcher re-executes itself
        if not _alive(pid) or (cmdline and _MAIN_CLASS not in cmdline):
            self._pid_file.unlink(missing_ok=True)
            return None
        return pid

    def _log_tail(self) -> str:
        try:
            return self.console_log.read_text(errors="replace")[-2000:]
        except FileNotFoundError:
            return "(no console log)"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    child = _CHILDREN.get(pid)
    if child is not None:
        return child.poll() is None  # reaps our own child once it has exited
    return "Z" not in _proc_state(pid)


def _proc_state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except (FileNotFoundError, IndexError):
        return "Z"


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except FileNotFoundError:
        return ""
