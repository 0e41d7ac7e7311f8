"""Configuration of the functions, read once from the environment into a typed model.

Only the handlers call :meth:`IngestSettings.from_environ`; logic receives the model.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from tilte_webhooks.notification_types import NOTIFICATION_TYPES
from tilte_webhooks.parser import DEFAULT_MAX_BODY_BYTES


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes"}


class IngestSettings(BaseModel):
    """What the ingest function needs to know about its deployment."""

    model_config = ConfigDict(frozen=True)

    queue_urls: Mapping[str, str]
    """NotificationType -> URL of its queue (``QUEUE_URL_<NotificationType>``)."""
    quarantine_bucket: Annotated[str, Field(min_length=1)]
    """Bucket that keeps every payload we did not queue (``QUARANTINE_BUCKET``)."""
    token_secret_id: str | None = None
    """Secrets Manager secret holding the accepted tokens (``TOKEN_SECRET_ID``)."""
    local_tokens: tuple[str, ...] = ()
    """Tokens given directly (``LOCAL_TOKENS``, comma-separated): local development only."""
    allow_unauthenticated: bool = False
    """Accept requests without credentials (``ALLOW_UNAUTHENTICATED=true``): local only."""
    max_body_bytes: Annotated[int, Field(gt=0)] = DEFAULT_MAX_BODY_BYTES
    """Largest body accepted; larger ones get 413 (``MAX_BODY_BYTES``)."""

    @field_validator("queue_urls")
    @classmethod
    def _every_type_has_a_queue(cls, urls: Mapping[str, str]) -> Mapping[str, str]:
        missing = [name for name in NOTIFICATION_TYPES if not urls.get(name)]
        if missing:
            raise ValueError(f"no queue URL for {', '.join(missing)}")
        return urls

    @model_validator(mode="after")
    def _tokens_have_a_source(self) -> IngestSettings:
        if self.token_secret_id and self.local_tokens:
            raise ValueError("set TOKEN_SECRET_ID or LOCAL_TOKENS, not both")
        return self

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> IngestSettings:
        """Read the settings from environment variables (raises ``ValidationError``)."""
        return cls(
            queue_urls={
                name: environ[f"QUEUE_URL_{name}"]
                for name in NOTIFICATION_TYPES
                if environ.get(f"QUEUE_URL_{name}")
            },
            quarantine_bucket=environ.get("QUARANTINE_BUCKET", ""),
            token_secret_id=environ.get("TOKEN_SECRET_ID") or None,
            local_tokens=tuple(
                token.strip()
                for token in environ.get("LOCAL_TOKENS", "").split(",")
                if token.strip()
            ),
            allow_unauthenticated=_flag(environ.get("ALLOW_UNAUTHENTICATED")),
            max_body_bytes=int(environ.get("MAX_BODY_BYTES") or DEFAULT_MAX_BODY_BYTES),
        )


class ConsumerSettings(BaseModel):
    """The tables a consumer function writes to; each function is given only its own."""

    model_config = ConfigDict(frozen=True)

    tables: Mapping[str, str]
    """Domain (``subscribers``, ``suppressions``, ``campaigns``) -> table name."""

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> ConsumerSettings:
        variables = {
            "subscribers": "SUBSCRIBERS_TABLE",
            "suppressions": "SUPPRESSIONS_TABLE",
            "campaigns": "CAMPAIGNS_TABLE",
        }
        return cls(
            tables={
                domain: environ[variable]
                for domain, variable in variables.items()
                if environ.get(variable)
            }
        )
