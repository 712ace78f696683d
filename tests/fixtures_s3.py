"""Pytest fixtures for a real S3 endpoint: moto in server mode on loopback, reached over HTTP by plain boto3.

`s3_server` (session): starts `moto.server.ThreadedMotoServer` on 127.0.0.1 and a free port, points the standard
AWS environment at it (AWS_ENDPOINT_URL, dummy credentials, us-east-1), yields the endpoint URL, and on teardown
stops the server and restores the environment. Settings that could send requests elsewhere (profiles, config
files, service-specific endpoints, proxies) are neutralised while it runs.

`s3_bucket` (function): a fresh, uniquely named bucket on that server; emptied and deleted afterwards.
"""

from __future__ import annotations

import functools
import os
import uuid
from collections.abc import Iterator

import pytest

LOOPBACK = "127.0.0.1"

_FIXED_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",  # pragma: allowlist secret
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_EC2_METADATA_DISABLED": "true",
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
}
_CLEARED_ENV = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_REGION",
    "AWS_ENDPOINT_URL_S3",  # a service-specific endpoint would win over AWS_ENDPOINT_URL
    "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
)


def _no_proxy_with_loopback() -> str:
    """NO_PROXY extended with the loopback address, so boto3 and urllib never send test traffic to a proxy."""
    current = os.environ.get("NO_PROXY") or os.environ.get("no_proxy") or ""
    hosts = [host for host in current.split(",") if host]
    return ",".join([*hosts, LOOPBACK, "localhost"])


def _point_aws_env_at(mp: pytest.MonkeyPatch, endpoint: str) -> None:
    for name in _CLEARED_ENV:
        mp.delenv(name, raising=False)
    for name, value in _FIXED_ENV.items():
        mp.setenv(name, value)
    mp.setenv("AWS_ENDPOINT_URL", endpoint)
    no_proxy = _no_proxy_with_loopback()
    mp.setenv("NO_PROXY", no_proxy)
    mp.setenv("no_proxy", no_proxy)


@pytest.fixture(scope="session")
def s3_server() -> Iterator[str]:
    """A moto S3 server on loopback for the whole session; yields its endpoint URL (http://127.0.0.1:<port>)."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address=LOOPBACK, port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        endpoint = f"http://{host}:{port}"
        with pytest.MonkeyPatch.context() as mp:
            _point_aws_env_at(mp, endpoint)
            yield endpoint
    finally:
        server.stop()


@functools.cache
def _s3_client(endpoint: str):
    """One admin client per server (creating a boto3 client is slow); the environment already points at it."""
    import boto3

    return boto3.session.Session().client("s3", endpoint_url=endpoint)


@pytest.fixture
def s3_bucket(s3_server: str) -> Iterator[str]:
    """A new empty bucket with a unique name on the moto server; removed after the test."""
    client = _s3_client(s3_server)
    name = f"bimtek-test-{uuid.uuid4().hex[:16]}"
    client.create_bucket(Bucket=name)
    try:
        yield name
    finally:
        _delete_bucket(client, name)


def _delete_bucket(client, name: str) -> None:
    """Empty and delete a bucket, best effort (the server disappears at session end anyway)."""
    try:
        paginator = client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=name):
            objects = [{"Key": item["Key"]} for item in page.get("Contents", [])]
            if objects:
                client.delete_objects(Bucket=name, Delete={"Objects": objects, "Quiet": True})
        client.delete_bucket(Bucket=name)
    except Exception:  # noqa: BLE001 - cleanup must not mask the test's own result
        pass
