"""Real Celery brokers, outages and worker / beat subprocesses for the fault tests.

* :func:`real_broker`: Celery not eager; on the filesystem broker a private folder (``<tmp>/broker/out``,
  the layout settings use for ``CELERY_FILESYSTEM_BROKER_DIR``), on Redis the configured server, purged
  (queue and unacknowledged messages) before and after the test.
* :func:`broker_down`: the broker is unusable for this process — the filesystem queue folder is moved away
  (the suite runs as root, so ``chmod`` would not stop a write), or Redis is replaced by a closed port.
* :class:`CeleryProcess`: ``celery -A platform_site worker|beat`` as a child process on the test database
  (PostgreSQL ``test_<name>``, or the SQLite test database, which settings make a file for this reason).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.db import connection
from kombu import pools as kombu_pools

from platform_site.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[1]


def on_redis() -> bool:
    return celery_app.conf.broker_url.startswith("redis")


def fresh_connection_pools() -> None:
    """Close and forget every pooled broker connection (kombu's registry too), so none is a stale one."""
    kombu_pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@dataclass
class Broker:
    """The broker the test uses; ``env`` is what a subprocess needs to use the same one."""

    app: Any
    folder: Path | None
    env: dict[str, str] = field(default_factory=dict)


def purge_redis() -> None:
    """Empty the queue and drop the messages a worker fetched without acknowledging (kombu's ``unacked``
    hash and index), so none of them comes back in a later test after its visibility timeout."""
    celery_app.control.purge()
    with celery_app.connection_for_write() as conn:
        channel = conn.default_channel
        channel.client.delete(channel.unacked_key, channel.unacked_index_key)


@contextlib.contextmanager
def real_broker(tmp_path: Path) -> Iterator[Broker]:
    conf = celery_app.conf
    saved = (conf.task_always_eager, dict(conf.broker_transport_options or {}), conf.broker_url)
    conf.task_always_eager = False
    folder = None
    env: dict[str, str] = {}
    if not on_redis():
        folder = tmp_path / "broker"
        for sub in ("out", "processed", "control"):
            (folder / sub).mkdir(parents=True)
        conf.broker_transport_options = {
            "data_folder_in": str(folder / "out"),
            "data_folder_out": str(folder / "out"),
            "processed_folder": str(folder / "processed"),
            "store_processed": False,
            "control_folder": str(folder / "control"),
        }
        env["CELERY_FILESYSTEM_BROKER_DIR"] = str(folder)
    fresh_connection_pools()
    if folder is None:
        purge_redis()
    try:
        yield Broker(celery_app, folder, env)
    finally:
        if folder is None:
            fresh_connection_pools()
            purge_redis()
        conf.task_always_eager, conf.broker_transport_options, conf.broker_url = saved
        fresh_connection_pools()


@contextlib.contextmanager
def broker_down(broker: Broker) -> Iterator[None]:
    """Within the body, publishing from this process fails as with a stopped broker."""
    conf = celery_app.conf
    if broker.folder is not None:
        queue, away = broker.folder / "out", broker.folder / "out.down"
        queue.rename(away)
        try:
            yield
        finally:
            away.rename(queue)
    else:
        saved = conf.broker_url
        conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens on port 1: connection refused
        fresh_connection_pools()
        try:
            yield
        finally:
            conf.broker_url = saved
            fresh_connection_pools()


def database_env() -> dict[str, str]:
    """Environment giving a subprocess the database this test process uses (the test database)."""
    s = connection.settings_dict
    if connection.vendor == "postgresql":
        auth = quote(s["USER"], safe="") + (":" + quote(s["PASSWORD"], safe="") if s["PASSWORD"] else "")
        return {"DATABASE_URL": f"postgres://{auth}@{s['HOST'] or 'localhost'}:{s['PORT'] or 5432}/{s['NAME']}"}
    name = str(s["NAME"])
    assert "memory" not in name and Path(name).is_file(), f"the SQLite test database must be a file, not {name!r}"
    return {"DATABASE_URL": "", "SQLITE_PATH": name}


class CeleryProcess:
    """``celery -A platform_site worker`` (solo pool, one task at a time) or ``beat`` as a child process."""

    def __init__(self, kind: str, log: Path, env: dict[str, str]) -> None:
        full_env = {
            **os.environ,
            **database_env(),
            "DJANGO_SETTINGS_MODULE": "platform_site.settings",
            "DB_CONN_MAX_AGE": "0",
            **env,
        }
        full_env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        if kind == "worker":
            args = [
                "worker",
                "--pool=solo",
                "--concurrency=1",
                "-Q",
                "celery",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                f"fault-test-{uuid.uuid4().hex[:8]}@%h",
            ]
        else:
            args = ["beat", "-s", str(log.with_suffix(".schedule"))]
        self.kind, self.log = kind, log
        self._out = log.open("wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "platform_site", *args, "--loglevel=INFO"],
            cwd=ROOT,
            env=full_env,
            stdout=self._out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_ready(self, timeout: float = 60) -> None:
        marker = " ready." if self.kind == "worker" else "beat: Starting..."
        wait_for(lambda: marker in self.text() or self.proc.poll() is not None, timeout)
        assert self.proc.poll() is None and marker in self.text(), self.text()[-3000:]

    def kill(self) -> None:
        """SIGKILL: no warm shutdown; whatever the worker had fetched is not acknowledged."""
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def terminate(self) -> None:
        """SIGTERM: warm shutdown (the task in flight finishes first); :meth:`stop` waits for it."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)

    def stop(self) -> None:
        self.terminate()
        if self.proc.poll() is None:
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        self._out.close()

    def discard(self) -> None:
        """SIGKILL whatever is still running and close the log (the test has asserted everything it checks)."""
        if self.proc.poll() is None:
            self.kill()
        self._out.close()


@contextlib.contextmanager
def celery_processes(
    tmp_path: Path, env: dict[str, str], *, kill_on_exit: bool = False
) -> Iterator[Callable[[str], CeleryProcess]]:
    """``start("worker" | "beat")`` starts a process (waits until it is ready); all are stopped afterwards.

    On exit every process gets SIGTERM at once and is waited for (a warm shutdown lets the task in flight
    finish, so assertions after the block see its effects). ``kill_on_exit=True`` is for a fixture's teardown,
    after the test body asserted all it checks: SIGKILL, instead of waiting for what a worker still does (e.g.
    a finished verification job's report, ~10 s). A message that was in flight is then left unacknowledged:
    on the filesystem broker it was deleted on fetch (and the folder is the test's own); on Redis
    :func:`real_broker` drops it with the queue when the test ends.
    """
    started: list[CeleryProcess] = []

    def start(kind: str) -> CeleryProcess:
        process = CeleryProcess(kind, tmp_path / f"{kind}-{len(started) + 1}.log", env)
        started.append(process)
        process.wait_ready()
        return process

    try:
        yield start
    finally:
        if kill_on_exit:
            for process in started:
                process.discard()
        else:
            for process in started:
                process.terminate()
            for process in started:
                process.stop()


def wait_for(condition: Callable[[], Any], timeout: float, interval: float = 0.1) -> Any:
    """Poll ``condition`` until it returns something truthy or ``timeout`` seconds pass; return its last value."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    return condition()
