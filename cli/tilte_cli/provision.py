"""Create the template's resources in a local AWS (moto), as ``sam deploy`` would in AWS.

Every queue, bucket and secret comes from template.yaml (through :mod:`cloudformation`), with
the properties the template gives it, so the local stack and the tests cannot drift from a
deployment. Physical names get a prefix, as CloudFormation's generated names would.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from tilte_cli.cloudformation import Resolver, resources_of_type
from tilte_cli.local_stack import PREFIX


def provision(
    template: Mapping[str, Any],
    session: Any,
    *,
    prefix: str = PREFIX,
    token: str | None = None,
    endpoint_url: str | None = None,
) -> Resolver:
    """Create the queues, buckets, secrets and tables; the resolver knows their URLs, ARNs and
    names.

    ``token`` becomes the secret's ``{"token": ...}``; without it the secret holds no token,
    and the ingest refuses every request.
    """
    resolver = Resolver(template)
    clients = {
        service: session.client(service, endpoint_url=endpoint_url)
        for service in ("sqs", "s3", "secretsmanager", "dynamodb")
    }
    _create_queues(template, clients["sqs"], resolver, prefix)
    _create_buckets(template, clients["s3"], resolver, prefix)
    _create_secrets(template, clients["secretsmanager"], resolver, prefix, token)
    _create_tables(template, clients["dynamodb"], resolver, prefix)
    return resolver


def _create_queues(template: Mapping[str, Any], sqs: Any, resolver: Resolver, prefix: str) -> None:
    queues = resources_of_type(template, "AWS::SQS::Queue")
    # Dead-letter queues first: the others name them in their RedrivePolicy.
    for name in sorted(queues, key=lambda queue: "RedrivePolicy" in queues[queue]):
        attributes = {
            key: _attribute(value)
            for key, value in resolver.resolve(queues[name]).items()
            if key not in {"QueueName", "Tags"}
        }
        url = sqs.create_queue(QueueName=f"{prefix}{name}", Attributes=attributes)["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
        resolver.refs[name] = url
        resolver.attributes[name, "Arn"] = arn["Attributes"]["QueueArn"]
        resolver.attributes[name, "QueueName"] = f"{prefix}{name}"
        resolver.attributes[name, "QueueUrl"] = url


def _attribute(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, dict):
        return json.dumps(value)
    return str(value)


def _create_buckets(template: Mapping[str, Any], s3: Any, resolver: Resolver, prefix: str) -> None:
    for name, properties in resources_of_type(template, "AWS::S3::Bucket").items():
        bucket = f"{prefix}{name}".lower()
        s3.create_bucket(Bucket=bucket)
        resolved = resolver.resolve(properties)
        if "BucketEncryption" in resolved:
            rules = [  # CloudFormation's name for the API's ApplyServerSideEncryptionByDefault
                {"ApplyServerSideEncryptionByDefault": rule["ServerSideEncryptionByDefault"]}
                for rule in resolved["BucketEncryption"]["ServerSideEncryptionConfiguration"]
            ]
            s3.put_bucket_encryption(
                Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": rules}
            )
        if "PublicAccessBlockConfiguration" in resolved:
            s3.put_public_access_block(
                Bucket=bucket,
                PublicAccessBlockConfiguration=resolved["PublicAccessBlockConfiguration"],
            )
        if "VersioningConfiguration" in resolved:
            s3.put_bucket_versioning(
                Bucket=bucket, VersioningConfiguration=resolved["VersioningConfiguration"]
            )
        resolver.refs[name] = bucket
        resolver.attributes[name, "Arn"] = f"arn:aws:s3:::{bucket}"


def _create_secrets(
    template: Mapping[str, Any],
    secrets: Any,
    resolver: Resolver,
    prefix: str,
    token: str | None,
) -> None:
    for name in resources_of_type(template, "AWS::SecretsManager::Secret"):
        value = json.dumps({"token": token} if token else {})
        arn = secrets.create_secret(Name=f"{prefix}{name}", SecretString=value)["ARN"]
        resolver.refs[name] = arn


def _create_tables(
    template: Mapping[str, Any], dynamodb: Any, resolver: Resolver, prefix: str
) -> None:
    for name, properties in resources_of_type(template, "AWS::DynamoDB::Table").items():
        resolved = resolver.resolve(properties)
        table = f"{prefix}{name}"
        request: dict[str, Any] = {
            "TableName": table,
            "AttributeDefinitions": resolved["AttributeDefinitions"],
            "KeySchema": resolved["KeySchema"],
            "BillingMode": resolved.get("BillingMode", "PAY_PER_REQUEST"),
        }
        if "GlobalSecondaryIndexes" in resolved:
            request["GlobalSecondaryIndexes"] = resolved["GlobalSecondaryIndexes"]
        description = dynamodb.create_table(**request)["TableDescription"]
        resolver.refs[name] = table
        resolver.attributes[name, "Arn"] = description["TableArn"]
