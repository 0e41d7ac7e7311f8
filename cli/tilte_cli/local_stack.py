"""The local stack's conventions, shared by ``serve``, ``send`` and ``show``.

``tilte-webhooks serve`` (``make run``) starts moto's server on ``127.0.0.1:$AWS_PORT`` and
the API on ``127.0.0.1:$API_PORT``, creates the template's resources with :data:`PREFIX`, and
accepts ``$WEBHOOK_TOKEN``. The other commands find it with the same variables, so they need
no flags while it runs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import boto3

from tilte_cli.api_events_command import SAMPLE_TOKEN
from tilte_cli.cloudformation import Resolver, resources_of_type

AWS_PORT = 4566
API_PORT = 3000
PREFIX = "tilte-"
"""Physical names are ``<PREFIX><logical id>`` (``tilte-SubscribeQueue``)."""
REGION = "us-east-1"
LOCAL_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
"""moto accepts any credentials; these are used when none are set."""


def aws_endpoint(environ: Mapping[str, str]) -> str:
    return environ.get("AWS_ENDPOINT_URL") or f"http://127.0.0.1:{aws_port(environ)}"


def aws_port(environ: Mapping[str, str]) -> int:
    return int(environ.get("AWS_PORT") or AWS_PORT)


def api_port(environ: Mapping[str, str]) -> int:
    return int(environ.get("API_PORT") or API_PORT)


def webhook_url(environ: Mapping[str, str]) -> str:
    return f"http://127.0.0.1:{api_port(environ)}/webhooks"


def webhook_token(environ: Mapping[str, str]) -> str:
    return environ.get("WEBHOOK_TOKEN") or SAMPLE_TOKEN


def aws_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """What boto3 needs to reach the local stack: endpoint, region, and credentials if unset."""
    return {
        "AWS_ENDPOINT_URL": aws_endpoint(environ),
        "AWS_DEFAULT_REGION": environ.get("AWS_DEFAULT_REGION") or REGION,
        **{name: environ.get(name) or value for name, value in LOCAL_CREDENTIALS.items()},
    }


def local_session(environ: Mapping[str, str]) -> Any:
    """A boto3 session for the local stack, whatever AWS configuration the machine has."""
    settings = aws_environment(environ)
    return boto3.session.Session(
        aws_access_key_id=settings["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=settings["AWS_SECRET_ACCESS_KEY"],
        region_name=settings["AWS_DEFAULT_REGION"],
    )


def function_environment(template: Mapping[str, Any], resolver: Resolver) -> dict[str, str]:
    """The environment variables of every function in the template, resolved: one process
    plays all the functions, so their variables must not disagree."""
    merged: dict[str, str] = {}
    common = template.get("Globals", {}).get("Function", {}).get("Environment", {})
    for name, properties in resources_of_type(template, "AWS::Serverless::Function").items():
        variables = {
            **common.get("Variables", {}),
            **properties.get("Environment", {}).get("Variables", {}),
        }
        for variable, value in resolver.resolve(variables).items():
            if merged.setdefault(variable, str(value)) != str(value):
                raise ValueError(f"{name} sets {variable} differently from another function")
    return merged
