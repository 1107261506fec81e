"""A real S3-compatible server on 127.0.0.1 for the object-storage tests: moto in server mode, started by
the tests themselves, reached over HTTP by s3fs, pyarrow, DuckDB and child processes alike."""

from __future__ import annotations

import contextlib
import logging
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

S3_ENV = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"}


@dataclass(frozen=True)
class S3Server:
    """The running server: its endpoint, and the environment that points the AWS libraries at it."""

    endpoint: str

    @property
    def env(self) -> dict[str, str]:
        """Variables for a child process (and this one) to use the server."""
        return {**S3_ENV, "AWS_ENDPOINT_URL": self.endpoint, "NO_PROXY": "127.0.0.1", "no_proxy": "127.0.0.1"}

    def new_bucket(self) -> str:
        """A fresh, empty bucket; returns its name."""
        from pipeline.storage.locations import s3_filesystem

        name = f"test-{uuid.uuid4().hex[:12]}"
        s3_filesystem().mkdir(name)
        return name


@contextlib.contextmanager
def s3_server() -> Iterator[S3Server]:
    """Start moto's S3 server on 127.0.0.1 (a free port), point this process at it, stop it afterwards."""
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one log line per request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    running = S3Server(f"http://{host}:{port}")
    saved = {key: os.environ.get(key) for key in running.env}
    os.environ.update(running.env)
    try:
        yield running
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        server.stop()
