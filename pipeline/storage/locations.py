"""Store locations: a local folder (a Path) or an object-storage prefix (an `s3://bucket/prefix` string).

Object storage is reached through s3fs (fsspec) and pyarrow. Credentials and the endpoint come from the
usual AWS settings: `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_DEFAULT_REGION`, and
`AWS_ENDPOINT_URL` for an S3-compatible server (MinIO, Ceph, a test server on 127.0.0.1).
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Any

from pipeline.errors import InputError

Location = Path | str  # a local folder, or an "s3://bucket/prefix" URL
REMOTE_SCHEMES = ("s3://",)


def is_remote(location: Location) -> bool:
    """True for an object-storage URL (`s3://...`)."""
    return isinstance(location, str) and location.startswith(REMOTE_SCHEMES)


def parse_location(text: str) -> Location:
    """A command-line or flow-parameter location: `s3://bucket/prefix` kept as a URL, anything else a Path.
    Other URL schemes are refused with a one-line error."""
    text = str(text)
    if text.startswith(REMOTE_SCHEMES):
        bucket_and_prefix = text.split("://", 1)[1].strip("/")
        if not bucket_and_prefix:
            raise InputError(f"{text}: an object-storage location needs a bucket, as in s3://bucket/prefix")
        return "s3://" + bucket_and_prefix
    if "://" in text:
        raise InputError(f"{text}: only local folders and s3://bucket/prefix are supported")
    return Path(text)


def flow_location(location: Location) -> str:
    """The location as a flow parameter: an absolute local path, or the URL as it is."""
    return location if isinstance(location, str) else str(Path(location).resolve())


def bucket_path(url: str) -> str:
    """`s3://bucket/prefix` as the `bucket/prefix` path fsspec and pyarrow use."""
    return url.split("://", 1)[1].strip("/")


def endpoint_url() -> str | None:
    """The S3 endpoint to use instead of AWS (`AWS_ENDPOINT_URL_S3` or `AWS_ENDPOINT_URL`), if set."""
    return os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL") or None


@functools.cache
def _s3_filesystem(endpoint: str | None) -> Any:
    import s3fs

    client_kwargs = {"endpoint_url": endpoint} if endpoint else {}
    return s3fs.S3FileSystem(client_kwargs=client_kwargs, use_listings_cache=False)


def s3_filesystem() -> Any:
    """The process's s3fs filesystem (one per endpoint; listings never cached, so every read sees the
    store as it is now)."""
    return _s3_filesystem(endpoint_url())
