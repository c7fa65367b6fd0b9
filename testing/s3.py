"""moto's S3 server over real HTTP, and settings that point django-storages at it."""

import socket
import uuid

import boto3
import pytest

CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing", "region_name": "us-east-1"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def moto_endpoint():
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


class Bucket:
    def __init__(self, endpoint: str, name: str) -> None:
        self.endpoint, self.name = endpoint, name
        self.client = boto3.client("s3", endpoint_url=endpoint, **CREDENTIALS)
        self.client.create_bucket(Bucket=name)

    def object_keys(self, prefix: str = "") -> list[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.name, Prefix=prefix)
        return sorted(obj["Key"] for page in pages for obj in page.get("Contents", []))

    def put(self, key: str, body: bytes = b"bytes") -> str:
        self.client.put_object(Bucket=self.name, Key=key, Body=body)
        return key

    def environment(self) -> dict[str, str]:
        """The same storage for another process (a Celery worker), through the settings' env vars."""
        return {
            "AWS_STORAGE_BUCKET_NAME": self.name, "AWS_S3_ENDPOINT_URL": self.endpoint,
            "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_S3_REGION_NAME": "us-east-1", "AWS_S3_ADDRESSING_STYLE": "path",
        }


def use_bucket(settings, bucket: Bucket, *, expire: int = 300) -> None:
    """Point the default storage at the bucket with the options production uses."""
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket.name, "endpoint_url": bucket.endpoint, "access_key": "testing",
            "secret_key": "testing", "region_name": "us-east-1", "addressing_style": "path",
            "default_acl": None, "signature_version": "s3v4", "querystring_auth": True, "querystring_expire": expire, "file_overwrite": False,
        },
    }}


@pytest.fixture
def bucket(moto_endpoint, settings):
    """A fresh private bucket, and the default storage pointed at it for this test."""
    created = Bucket(moto_endpoint, f"awning-{uuid.uuid4().hex[:12]}")
    use_bucket(settings, created)
    return created
