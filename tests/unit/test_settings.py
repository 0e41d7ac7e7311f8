"""The ingest's settings: read once from the environment, refused when incomplete."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from tilte_cli.cloudformation import load_template
from tilte_webhooks.notification_types import NOTIFICATION_TYPES
from tilte_webhooks.parser import DEFAULT_MAX_BODY_BYTES
from tilte_webhooks.settings import IngestSettings

QUEUES = {f"QUEUE_URL_{name}": f"https://sqs/{name}" for name in NOTIFICATION_TYPES}


def test_a_deployment_environment_is_read_whole() -> None:
    settings = IngestSettings.from_environ(
        {
            **QUEUES,
            "QUARANTINE_BUCKET": "b",
            "TOKEN_SECRET_ID": "arn:secret",
            "MAX_BODY_BYTES": "1000",
        }
    )
    assert settings.queue_urls == {name: f"https://sqs/{name}" for name in NOTIFICATION_TYPES}
    assert settings.quarantine_bucket == "b"
    assert settings.token_secret_id == "arn:secret"
    assert settings.local_tokens == ()
    assert settings.allow_unauthenticated is False
    assert settings.max_body_bytes == 1000


def test_defaults_and_local_settings() -> None:
    settings = IngestSettings.from_environ(
        {
            **QUEUES,
            "QUARANTINE_BUCKET": "b",
            "LOCAL_TOKENS": " a, ,b ",
            "ALLOW_UNAUTHENTICATED": "TRUE",
        }
    )
    assert settings.local_tokens == ("a", "b")
    assert settings.token_secret_id is None
    assert settings.allow_unauthenticated is True
    assert settings.max_body_bytes == DEFAULT_MAX_BODY_BYTES


@pytest.mark.parametrize("value", ["", "0", "false", "no", "maybe"])
def test_unauthenticated_access_is_off_unless_clearly_on(value: str) -> None:
    settings = IngestSettings.from_environ(
        {**QUEUES, "QUARANTINE_BUCKET": "b", "ALLOW_UNAUTHENTICATED": value}
    )
    assert settings.allow_unauthenticated is False


def test_a_missing_queue_is_a_configuration_error() -> None:
    environ = {**QUEUES, "QUARANTINE_BUCKET": "b"}
    del environ["QUEUE_URL_MessageClick"]
    with pytest.raises(ValidationError, match="no queue URL for MessageClick"):
        IngestSettings.from_environ(environ)


def test_two_token_sources_are_a_configuration_error() -> None:
    with pytest.raises(ValidationError, match="set TOKEN_SECRET_ID or LOCAL_TOKENS, not both"):
        IngestSettings.from_environ(
            {**QUEUES, "QUARANTINE_BUCKET": "b", "TOKEN_SECRET_ID": "s", "LOCAL_TOKENS": "t"}
        )


def test_a_missing_bucket_is_a_configuration_error() -> None:
    with pytest.raises(ValidationError, match="quarantine_bucket"):
        IngestSettings.from_environ(QUEUES)


def test_the_default_size_limit_is_the_templates() -> None:
    parameter = load_template()["Parameters"]["MaxBodyBytes"]

    assert (
        parameter["Default"]
        == DEFAULT_MAX_BODY_BYTES
        == IngestSettings.from_environ({**QUEUES, "QUARANTINE_BUCKET": "b"}).max_body_bytes
    )
