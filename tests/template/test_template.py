"""template.yaml: what it creates, checked against the code's table of NotificationTypes.

Three views of the template (see conftest.py): ``raw`` as written, ``ours`` expanded by
tilte_cli.cloudformation (intrinsics and parameter Refs kept), and the SAM CLI's ``expanded``
and ``translated`` (parameters resolved to their defaults; unresolvable ``Fn::Sub`` flattened
to plain strings by its local expansion, so intrinsic values are never compared across views).

The checks that matter most are functions returning a list of problems; one test shows each of
them catching a deliberately broken copy of the translated template.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from tilte_cli.api_events_command import rendered_events
from tilte_cli.cloudformation import resources_of_type
from tilte_webhooks.notification_types import NOTIFICATION_TYPES

ROOT = Path(__file__).resolve().parents[2]
TYPES = list(NOTIFICATION_TYPES)
DLQ_RETENTION_SECONDS = 1209600  # 14 days, SQS's maximum
MAX_RECEIVE_COUNT = 5
VISIBILITY_TIMEOUT = 180
FOR_EACH = "Fn::ForEach::"
MANAGED_POLICIES = [
    "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
    "arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess",
]
"""What SAM attaches to a function with Tracing: Active; neither grants SQS, S3 or secrets."""
SECRET_RESOURCES = [
    {"Ref": "TokenSecret"},
    # SAM's AWSSecretsManagerGetSecretValuePolicy template, with SecretArn: !Ref TokenSecret
    {"Fn::Sub": ["${secretArn}", {"secretArn": {"Ref": "TokenSecret"}}]},
]


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


def _sub_text(value: Any) -> Any:
    """The text of a one-argument ``Fn::Sub``; the SAM CLI's local expansion flattens
    ``{"Fn::Sub": "${X.Arn}/*"}`` into the bare string, which is taken as the same."""
    if isinstance(value, dict) and set(value) == {"Fn::Sub"} and isinstance(value["Fn::Sub"], str):
        return value["Fn::Sub"]
    return value


def queue_arn(name: str) -> dict[str, Any]:
    return {"Fn::GetAtt": [name, "Arn"]}


# --- Checking functions -------------------------------------------------------------------


def queue_problems(template: Mapping[str, Any]) -> list[str]:
    """Everything wrong with the SQS queues of a translated template; [] when every type has
    its encrypted queue redriving to its own dead-letter queue, and nothing else is a queue."""
    queues = resources_of_type(template, "AWS::SQS::Queue")
    expected = [name for kind in TYPES for name in (f"{kind}Queue", f"{kind}DeadLetterQueue")]
    problems = [f"{name}: missing" for name in expected if name not in queues]
    problems += [
        f"{name}: not a NotificationType's queue" for name in queues if name not in expected
    ]
    for kind in TYPES:
        queue = queues.get(f"{kind}Queue")
        if queue is not None:
            redrive = {
                "deadLetterTargetArn": queue_arn(f"{kind}DeadLetterQueue"),
                "maxReceiveCount": MAX_RECEIVE_COUNT,
            }
            if queue.get("RedrivePolicy") != redrive:
                problems.append(f"{kind}Queue: RedrivePolicy is {queue.get('RedrivePolicy')}")
            if queue.get("VisibilityTimeout") != VISIBILITY_TIMEOUT:
                problems.append(
                    f"{kind}Queue: VisibilityTimeout is {queue.get('VisibilityTimeout')}"
                )
        dead_letters = queues.get(f"{kind}DeadLetterQueue")
        if dead_letters is not None:
            if dead_letters.get("MessageRetentionPeriod") != DLQ_RETENTION_SECONDS:
                retention = dead_letters.get("MessageRetentionPeriod")
                problems.append(f"{kind}DeadLetterQueue: MessageRetentionPeriod is {retention}")
            if "RedrivePolicy" in dead_letters:
                problems.append(f"{kind}DeadLetterQueue: has a RedrivePolicy")
    problems += [
        f"{name}: SqsManagedSseEnabled is {properties.get('SqsManagedSseEnabled')}"
        for name, properties in queues.items()
        if properties.get("SqsManagedSseEnabled") is not True
    ]
    return problems


def policy_statements(role: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every statement of a role's inline policies."""
    return [
        statement
        for policy in role["Properties"].get("Policies", [])
        for statement in _as_list(policy["PolicyDocument"]["Statement"])
    ]


def ingest_policy_problems(template: Mapping[str, Any]) -> list[str]:
    """Everything the ingest's role may do beyond sending to the ten queues, writing
    quarantined objects and reading the token secret; [] when it may do exactly that."""
    role = template["Resources"]["IngestFunctionRole"]
    statements = policy_statements(role)
    problems: list[str] = []
    managed = role["Properties"].get("ManagedPolicyArns", [])
    if sorted(managed) != sorted(MANAGED_POLICIES):
        problems.append(f"managed policies are {managed}")
    by_service: dict[str, list[dict[str, Any]]] = {"sqs": [], "s3": [], "secretsmanager": []}
    for statement in statements:
        if "NotAction" in statement or "NotResource" in statement:
            problems.append(f"statement {statement.get('Sid')} uses NotAction or NotResource")
            continue
        services = {action.split(":", 1)[0] for action in _as_list(statement["Action"])}
        if len(services) != 1 or not services <= set(by_service):
            problems.append(f"statement {statement.get('Sid')} allows {statement['Action']}")
            continue
        by_service[services.pop()].append(statement)

    sqs = by_service["sqs"]
    sqs_actions = sorted({action for s in sqs for action in _as_list(s["Action"])})
    if sqs_actions != ["sqs:SendMessage"]:
        problems.append(f"sqs statements allow {sqs_actions}")
    sent_to = sorted(_canonical(r) for s in sqs for r in _as_list(s["Resource"]))
    if sent_to != sorted(_canonical(queue_arn(f"{kind}Queue")) for kind in TYPES):
        problems.append(f"sqs statements apply to {[json.loads(r) for r in sent_to]}")

    s3 = by_service["s3"]
    if len(s3) != 1:
        problems.append(f"{len(s3)} s3 statements")
    for statement in s3:
        if _as_list(statement["Action"]) != ["s3:PutObject"]:
            problems.append(f"s3 statement allows {statement['Action']}")
        objects = [_sub_text(r) for r in _as_list(statement["Resource"])]
        if objects != ["${QuarantineBucket.Arn}/*"]:
            problems.append(f"s3 statement applies to {statement['Resource']}")

    secrets = by_service["secretsmanager"]
    if len(secrets) != 1:
        problems.append(f"{len(secrets)} secretsmanager statements")
    for statement in secrets:
        if _as_list(statement["Action"]) != ["secretsmanager:GetSecretValue"]:
            problems.append(f"secretsmanager statement allows {statement['Action']}")
        resources = _as_list(statement["Resource"])
        if len(resources) != 1 or resources[0] not in SECRET_RESOURCES:
            problems.append(f"secretsmanager statement applies to {statement['Resource']}")
    return problems


def iam_statements(template: Mapping[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(logical id, statement) for every statement of every IAM role and policy."""
    for name, resource in template["Resources"].items():
        properties = resource.get("Properties", {})
        if resource["Type"] == "AWS::IAM::Role":
            documents = [properties["AssumeRolePolicyDocument"]]
            documents += [policy["PolicyDocument"] for policy in properties.get("Policies", [])]
        elif resource["Type"] in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
            documents = [properties["PolicyDocument"]]
        else:
            continue
        for document in documents:
            for statement in _as_list(document["Statement"]):
                yield name, statement


def wildcard_problems(template: Mapping[str, Any]) -> list[str]:
    """Every IAM statement granting a wildcard action or applying to every resource."""
    problems: list[str] = []
    for name, statement in iam_statements(template):
        for key in ("NotAction", "NotResource"):
            if key in statement:
                problems.append(f"{name}: {key} {statement[key]}")
        for action in _as_list(statement.get("Action", [])):
            if "*" in action:
                problems.append(f"{name}: Action {action}")
        for resource in _as_list(statement.get("Resource", [])):
            if resource == "*":
                problems.append(f"{name}: Resource *")
    return problems


# --- Our expander against the SAM CLI's ------------------------------------------------------


def test_our_expansion_has_the_resources_and_outputs_of_the_sam_clis(ours, expanded):
    # Given template.yaml expanded by tilte_cli.cloudformation and by the SAM CLI

    # When their resources (logical id -> Type) and output keys are listed
    our_resources = {name: r["Type"] for name, r in ours["Resources"].items()}
    sam_resources = {name: r["Type"] for name, r in expanded["Resources"].items()}

    # Then they are the same, and no loop is left unexpanded in either
    assert our_resources == sam_resources
    assert sorted(ours["Outputs"]) == sorted(expanded["Outputs"])
    assert sorted(ours["Parameters"]) == sorted(expanded["Parameters"])
    assert not [key for key in [*our_resources, *ours["Outputs"]] if key.startswith(FOR_EACH)]
    assert len(resources_of_type(ours, "AWS::SQS::Queue")) == 2 * len(TYPES)


def test_our_expansion_gives_the_queues_the_sam_clis_literal_properties(ours, expanded):
    # Given the queues of both expansions
    def literal_properties(template: Mapping[str, Any]) -> dict[str, Any]:
        return {
            name: (
                properties.get("SqsManagedSseEnabled"),
                properties.get("VisibilityTimeout"),
                properties.get("RedrivePolicy", {}).get("maxReceiveCount"),
            )
            for name, properties in resources_of_type(template, "AWS::SQS::Queue").items()
        }

    # Then the properties holding no intrinsic agree
    assert literal_properties(ours) == literal_properties(expanded)
    assert literal_properties(ours)["SubscribeQueue"] == (True, 180, 5)
    assert literal_properties(ours)["SubscribeDeadLetterQueue"] == (True, None, None)


# --- The queues -------------------------------------------------------------------------------


def test_every_notification_type_has_its_queue_and_dead_letter_queue_and_nothing_else(translated):
    # Given the translated template

    # When its queues are checked
    problems = queue_problems(translated)

    # Then each type has exactly its queue and DLQ, redriving after 5 receives, all encrypted
    assert problems == []
    queues = resources_of_type(translated, "AWS::SQS::Queue")
    assert sorted(queues) == sorted(
        [f"{kind}Queue" for kind in TYPES] + [f"{kind}DeadLetterQueue" for kind in TYPES]
    )
    assert queues["CampaignStatsUpdatedQueue"]["RedrivePolicy"] == {
        "deadLetterTargetArn": {"Fn::GetAtt": ["CampaignStatsUpdatedDeadLetterQueue", "Arn"]},
        "maxReceiveCount": 5,
    }


def test_source_queues_keep_messages_for_the_queue_retention_parameter(ours):
    # Given the queues as written (the SAM CLI resolves parameters to their defaults)
    queues = resources_of_type(ours, "AWS::SQS::Queue")

    # Then each source queue's retention is the parameter, each DLQ's SQS's maximum
    for kind in TYPES:
        assert queues[f"{kind}Queue"]["MessageRetentionPeriod"] == {"Ref": "QueueRetentionSeconds"}
        assert queues[f"{kind}Queue"]["VisibilityTimeout"] == VISIBILITY_TIMEOUT
        assert queues[f"{kind}DeadLetterQueue"]["MessageRetentionPeriod"] == DLQ_RETENTION_SECONDS
    assert ours["Parameters"]["QueueRetentionSeconds"]["Type"] == "Number"


def find_for_each(node: Any, path: str = "") -> list[tuple[str, Any]]:
    """(path, loop value) of every ``Fn::ForEach::`` key, however deep."""
    found: list[tuple[str, Any]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            where = f"{path}/{key}"
            if isinstance(key, str) and key.startswith(FOR_EACH):
                found.append((where, value))
            found += find_for_each(value, where)
    elif isinstance(node, list):
        for index, item in enumerate(node):
            found += find_for_each(item, f"{path}/{index}")
    return found


def sqs_consumers(template: Mapping[str, Any]) -> list[str]:
    """The functions that SQS events invoke, in template order."""
    return [
        name
        for name, properties in resources_of_type(template, "AWS::Serverless::Function").items()
        if any(event["Type"] == "SQS" for event in properties.get("Events", {}).values())
    ]


def test_every_for_each_collection_is_the_codes_table_of_types(raw, ours):
    # Given template.yaml as written

    # When its Fn::ForEach loops are found
    loops = find_for_each(raw)

    # Then the loops over a Type (queues, their alarms, the outputs) run over exactly the ten
    # types, and the one over a Function (the consumers' alarms) over every SQS consumer
    assert {"/Resources/Fn::ForEach::EventQueues", "/Outputs/Fn::ForEach::QueueOutputs"} <= {
        path for path, _ in loops
    }
    collections = {path: (loop[0], loop[1]) for path, loop in loops}
    expected = {"Type": list(NOTIFICATION_TYPES), "Function": sqs_consumers(ours)}
    assert collections == {path: (name, expected[name]) for path, (name, _) in collections.items()}
    assert [path for path, (name, _) in collections.items() if name == "Function"] == [
        "/Resources/Fn::ForEach::ConsumerAlarms"
    ]


# --- The ingest function ----------------------------------------------------------------------


def test_the_ingest_gets_one_queue_url_per_type_and_no_other(ours, translated):
    # Given the ingest function as written and as translated
    for function in (
        ours["Resources"]["IngestFunction"],
        translated["Resources"]["IngestFunction"],
    ):
        variables = function["Properties"]["Environment"]["Variables"]

        # When its QUEUE_URL_ variables are picked out
        queue_urls = {name: value for name, value in variables.items() if "QUEUE_URL" in name}

        # Then there is exactly one per type, each the URL (Ref) of that type's queue
        assert queue_urls == {f"QUEUE_URL_{kind}": {"Ref": f"{kind}Queue"} for kind in TYPES}


def test_the_ingest_role_may_send_only_to_the_ten_queues(translated):
    # Given the ingest's role after the SAM transform
    statements = policy_statements(translated["Resources"]["IngestFunctionRole"])

    # When its permissions are checked
    problems = ingest_policy_problems(translated)

    # Then it sends to the ten queues (not their DLQs), writes objects, reads the token
    assert problems == []
    (sqs,) = [s for s in statements if _as_list(s["Action"])[0].startswith("sqs:")]
    assert sqs["Action"] == ["sqs:SendMessage"]
    assert len(sqs["Resource"]) == len(TYPES)
    assert len(statements) == 3


def test_the_ingest_may_write_only_the_quarantine_buckets_objects(ours):
    # Given the ingest's policies as written (the SAM CLI flattens this Fn::Sub)
    (statement,) = [
        statement
        for policy in ours["Resources"]["IngestFunction"]["Properties"]["Policies"]
        for statement in policy.get("Statement", [])
        if statement.get("Sid") == "KeepRejectedPayloads"
    ]

    # Then it puts objects into the quarantine bucket, nowhere else
    assert statement == {
        "Sid": "KeepRejectedPayloads",
        "Effect": "Allow",
        "Action": ["s3:PutObject"],
        "Resource": {"Fn::Sub": "${QuarantineBucket.Arn}/*"},
    }


def test_no_iam_statement_grants_a_wildcard(translated):
    # Given every statement of the translated template's IAM roles and policies
    statements = list(iam_statements(translated))

    # When they are searched for wildcards
    problems = wildcard_problems(translated)

    # Then there is none (and there are statements to search)
    assert problems == []
    assert len([name for name, _ in statements if name == "IngestFunctionRole"]) == 4


def _without_dead_letter_queue(template: dict[str, Any]) -> None:
    del template["Resources"]["MessageOpenDeadLetterQueue"]


def _redriving_to_another_types_queue(template: dict[str, Any]) -> None:
    redrive = template["Resources"]["SubscribeQueue"]["Properties"]["RedrivePolicy"]
    redrive["deadLetterTargetArn"] = queue_arn("UnsubscribeDeadLetterQueue")


def _with_a_stray_queue(template: dict[str, Any]) -> None:
    template["Resources"]["StrayQueue"] = {
        "Type": "AWS::SQS::Queue",
        "Properties": {"SqsManagedSseEnabled": True},
    }


def _unencrypted(template: dict[str, Any]) -> None:
    del template["Resources"]["CampaignSentDeadLetterQueue"]["Properties"]["SqsManagedSseEnabled"]


def _sqs_statement(template: dict[str, Any]) -> dict[str, Any]:
    role = template["Resources"]["IngestFunctionRole"]
    (statement,) = [s for s in policy_statements(role) if s.get("Sid") == "SendEventsToTheirQueues"]
    return statement


def _with_sqs_wildcard(template: dict[str, Any]) -> None:
    _sqs_statement(template)["Action"].append("sqs:*")


def _sending_to_a_dead_letter_queue(template: dict[str, Any]) -> None:
    _sqs_statement(template)["Resource"].append(queue_arn("SubscribeDeadLetterQueue"))


def _with_a_statement_on_everything(template: dict[str, Any]) -> None:
    policy = template["Resources"]["IngestFunctionRole"]["Properties"]["Policies"][0]
    policy["PolicyDocument"]["Statement"].append(
        {"Effect": "Allow", "Action": ["sqs:ReceiveMessage"], "Resource": "*"}
    )


DLQ_ARN = {"Fn::GetAtt": ["SubscribeDeadLetterQueue", "Arn"]}
SQS_ARNS = [queue_arn(f"{kind}Queue") for kind in TYPES]


@pytest.mark.parametrize(
    ("alter", "check", "expected"),
    [
        (_without_dead_letter_queue, queue_problems, ["MessageOpenDeadLetterQueue: missing"]),
        (
            _redriving_to_another_types_queue,
            queue_problems,
            [
                "SubscribeQueue: RedrivePolicy is {'deadLetterTargetArn': {'Fn::GetAtt': "
                "['UnsubscribeDeadLetterQueue', 'Arn']}, 'maxReceiveCount': 5}"
            ],
        ),
        (
            _with_a_stray_queue,
            queue_problems,
            ["StrayQueue: not a NotificationType's queue"],
        ),
        (
            _unencrypted,
            queue_problems,
            ["CampaignSentDeadLetterQueue: SqsManagedSseEnabled is None"],
        ),
        (
            _with_sqs_wildcard,
            ingest_policy_problems,
            ["sqs statements allow ['sqs:*', 'sqs:SendMessage']"],
        ),
        (_with_sqs_wildcard, wildcard_problems, ["IngestFunctionRole: Action sqs:*"]),
        (
            _sending_to_a_dead_letter_queue,
            ingest_policy_problems,
            [f"sqs statements apply to {sorted([*SQS_ARNS, DLQ_ARN], key=_canonical)}"],
        ),
        (
            _with_a_statement_on_everything,
            ingest_policy_problems,
            [
                "sqs statements allow ['sqs:ReceiveMessage', 'sqs:SendMessage']",
                f"sqs statements apply to {sorted([*SQS_ARNS, '*'], key=_canonical)}",
            ],
        ),
        (_with_a_statement_on_everything, wildcard_problems, ["IngestFunctionRole: Resource *"]),
    ],
    ids=[
        "dlq-removed",
        "redrive-to-another-dlq",
        "stray-queue",
        "unencrypted-dlq",
        "sqs-wildcard-in-ingest-policy",
        "sqs-wildcard-anywhere",
        "send-to-a-dlq",
        "receive-on-everything-in-ingest-policy",
        "resource-star-anywhere",
    ],
)
def test_the_checks_catch_a_broken_copy_of_the_translated_template(
    translated,
    alter: Callable[[dict[str, Any]], None],
    check: Callable[[Mapping[str, Any]], list[str]],
    expected: list[str],
):
    # Given a copy of the translated template, broken in one way
    broken = copy.deepcopy(translated)
    alter(broken)

    # When the same check that passes on the real template runs on it
    problems = check(broken)

    # Then it reports exactly that breakage, and the real template is untouched and clean
    assert problems == expected
    assert check(translated) == []


# --- The HTTP API -----------------------------------------------------------------------------


def http_routes(template: Mapping[str, Any]) -> dict[str, Any]:
    """``"METHOD /path"`` -> integration, from every HTTP API's OpenAPI body and Route."""
    routes: dict[str, Any] = {}
    for properties in resources_of_type(template, "AWS::ApiGatewayV2::Api").values():
        for path, operations in properties.get("Body", {}).get("paths", {}).items():
            for method, operation in operations.items():
                key = f"{method.upper()} {path}"
                routes[key] = operation.get("x-amazon-apigateway-integration")
    for properties in resources_of_type(template, "AWS::ApiGatewayV2::Route").values():
        routes[properties["RouteKey"]] = properties.get("Target")
    return routes


def test_the_api_has_exactly_the_webhook_route_to_the_ingest(ours, translated):
    # Given the ingest's events as written, and the translated API
    events = ours["Resources"]["IngestFunction"]["Properties"]["Events"]

    # When the routes of the translated API are listed
    routes = http_routes(translated)

    # Then the one HttpApi event becomes the one route, POST /webhooks, to the ingest (v2.0)
    assert events == {
        "Webhook": {
            "Type": "HttpApi",
            "Properties": {"ApiId": {"Ref": "WebhookApi"}, "Method": "POST", "Path": "/webhooks"},
        }
    }
    assert routes == {
        "POST /webhooks": {
            "httpMethod": "POST",
            "type": "aws_proxy",
            "uri": {
                "Fn::Sub": "arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/"
                "2015-03-31/functions/${IngestFunction.Arn}/invocations"
            },
            "payloadFormatVersion": "2.0",
        }
    }
    other_http_events = [
        (name, event_name)
        for name, properties in resources_of_type(ours, "AWS::Serverless::Function").items()
        for event_name, event in properties.get("Events", {}).items()
        if event["Type"] == "HttpApi" and name != "IngestFunction"
    ]
    assert other_http_events == []


def test_the_api_throttles_every_route_by_the_parameters(ours, translated):
    # Given the API as written and its translated default stage
    api = ours["Resources"]["WebhookApi"]["Properties"]
    stage = translated["Resources"]["WebhookApiApiGatewayDefaultStage"]["Properties"]
    parameters = ours["Parameters"]

    # Then the default route settings are the throttling parameters, carried onto the stage
    assert api["DefaultRouteSettings"] == {
        "ThrottlingRateLimit": {"Ref": "ThrottlingRateLimit"},
        "ThrottlingBurstLimit": {"Ref": "ThrottlingBurstLimit"},
    }
    assert stage["DefaultRouteSettings"] == {
        "ThrottlingRateLimit": parameters["ThrottlingRateLimit"]["Default"],
        "ThrottlingBurstLimit": parameters["ThrottlingBurstLimit"]["Default"],
    }
    assert stage["StageName"] == "$default"


def test_the_access_log_records_the_request_id_and_never_where_the_token_travels(ours, translated):
    # Given the access log settings of the translated default stage
    stage = translated["Resources"]["WebhookApiApiGatewayDefaultStage"]["Properties"]
    settings = stage["AccessLogSettings"]

    # When its format is read
    log_format = settings["Format"]
    fields = json.loads(log_format)

    # Then it is one JSON object per request with the request id, and no query string,
    # header or authorization (the token may be in any of them)
    assert fields.get("requestId") == "$context.requestId"
    forbidden = ["querystring", "header", "authorization", "$request.", "$input."]
    assert [word for word in forbidden if word in log_format.lower()] == []
    assert settings["DestinationArn"] == {"Fn::GetAtt": ["ApiAccessLogs", "Arn"]}
    assert ours["Resources"]["ApiAccessLogs"]["Type"] == "AWS::Logs::LogGroup"


# --- The quarantine bucket --------------------------------------------------------------------


def test_the_quarantine_bucket_is_private_encrypted_versioned_and_expires(ours):
    # Given the quarantine bucket as written
    bucket = ours["Resources"]["QuarantineBucket"]
    properties = bucket["Properties"]

    # Then no public access, SSE-S3, versioning, and an enabled rule expiring after the parameter
    assert bucket["Type"] == "AWS::S3::Bucket"
    assert properties["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    assert properties["BucketEncryption"] == {
        "ServerSideEncryptionConfiguration": [
            {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
        ]
    }
    assert properties["VersioningConfiguration"] == {"Status": "Enabled"}
    expiring = [
        rule
        for rule in properties["LifecycleConfiguration"]["Rules"]
        if rule.get("ExpirationInDays") == {"Ref": "QuarantineRetentionDays"}
    ]
    assert [rule["Status"] for rule in expiring] == ["Enabled"]
    assert "Prefix" not in expiring[0]
    assert "Filter" not in expiring[0]


def test_the_quarantine_bucket_refuses_requests_without_tls(ours):
    # Given the bucket policies on the quarantine bucket
    policies = [
        properties["PolicyDocument"]
        for properties in resources_of_type(ours, "AWS::S3::BucketPolicy").values()
        if properties["Bucket"] == {"Ref": "QuarantineBucket"}
    ]

    # Then one denies every S3 action over plain HTTP, on the bucket and its objects
    assert len(policies) == 1, f"{len(policies)} bucket policies on QuarantineBucket"
    assert {
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [
            {"Fn::GetAtt": ["QuarantineBucket", "Arn"]},
            {"Fn::Sub": "${QuarantineBucket.Arn}/*"},
        ],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    } in policies[0]["Statement"]


# --- Functions, logs and globals --------------------------------------------------------------


def test_every_function_logs_to_its_log_group_with_the_retention_parameter(ours):
    # Given the functions and log groups as written
    functions = resources_of_type(ours, "AWS::Serverless::Function")
    log_groups = resources_of_type(ours, "AWS::Logs::LogGroup")

    # Then each function logs to a log group of the template, and every log group keeps logs
    # for the LogRetentionDays parameter
    assert "IngestFunction" in functions
    for name, properties in functions.items():
        group = properties.get("LoggingConfig", {}).get("LogGroup")
        assert isinstance(group, dict), f"{name} has no LoggingConfig.LogGroup"
        assert list(group) == ["Ref"], f"{name}'s LogGroup is not a Ref"
        assert group["Ref"] in log_groups, f"{name} logs to {group}, not a log group here"
    assert {name: p.get("RetentionInDays") for name, p in log_groups.items()} == {
        name: {"Ref": "LogRetentionDays"} for name in log_groups
    }
    assert {"ApiAccessLogs", "IngestLogs"} <= set(log_groups)


def test_functions_run_python_3_13_on_arm64_with_tracing(ours, translated):
    # Given the Globals as written, and the translated functions and layer
    globals_ = ours["Globals"]["Function"]
    layer = ours["Resources"]["SharedLayer"]
    functions = resources_of_type(translated, "AWS::Lambda::Function")

    # Then every function gets them, and the layer is built for the same runtime
    assert (globals_["Runtime"], globals_["Architectures"], globals_["Tracing"]) == (
        "python3.13",
        ["arm64"],
        "Active",
    )
    assert sorted(functions) == sorted(resources_of_type(ours, "AWS::Serverless::Function"))
    for properties in functions.values():
        assert properties["Runtime"] == "python3.13"
        assert properties["Architectures"] == ["arm64"]
        assert properties["TracingConfig"] == {"Mode": "Active"}
    assert layer["Properties"]["CompatibleRuntimes"] == ["python3.13"]
    assert layer["Properties"]["CompatibleArchitectures"] == ["arm64"]
    # (its Makefile installs the wheels for python3.13 on arm64: tests/template/test_sam_build.py)
    assert layer["Metadata"] == {"BuildMethod": "makefile", "BuildArchitecture": "arm64"}


# --- Parameters and outputs -------------------------------------------------------------------


def test_every_parameter_is_described_and_every_number_is_bounded(ours):
    # Given the parameters
    parameters = ours["Parameters"]

    # When the undescribed ones, the unbounded numbers and the defaults out of bounds are listed
    undescribed = [
        name
        for name, p in parameters.items()
        if not (isinstance(p.get("Description"), str) and p["Description"].strip())
    ]
    numbers = {name: p for name, p in parameters.items() if p["Type"] == "Number"}
    unbounded = [
        name for name, p in numbers.items() if "MinValue" not in p and "AllowedValues" not in p
    ]
    bad_defaults = [
        name
        for name, p in numbers.items()
        if ("AllowedValues" in p and p["Default"] not in p["AllowedValues"])
        or not p.get("MinValue", p["Default"]) <= p["Default"] <= p.get("MaxValue", p["Default"])
    ]

    # Then there are none
    assert (undescribed, unbounded, bad_defaults) == ([], [], [])
    assert {"MaxBodyBytes", "LogRetentionDays"} <= set(numbers)  # MinValue, AllowedValues


def test_the_outputs_give_the_url_secret_bucket_and_every_queue(translated):
    # Given the outputs CloudFormation gets
    outputs = translated["Outputs"]

    # When the expected ones are listed
    expected = {"WebhookUrl", "TokenSecretArn", "QuarantineBucketName"}
    per_type = {
        f"{kind}{suffix}"
        for kind in TYPES
        for suffix in ("QueueUrl", "QueueArn", "DeadLetterQueueUrl")
    }

    # Then none is missing, and each queue's output names that type's queue
    assert sorted((expected | per_type) - set(outputs)) == []
    for kind in TYPES:
        assert outputs[f"{kind}QueueUrl"]["Value"] == {"Ref": f"{kind}Queue"}
        assert outputs[f"{kind}QueueArn"]["Value"] == queue_arn(f"{kind}Queue")
        assert outputs[f"{kind}DeadLetterQueueUrl"]["Value"] == {"Ref": f"{kind}DeadLetterQueue"}
    assert outputs["TokenSecretArn"]["Value"] == {"Ref": "TokenSecret"}
    assert outputs["QuarantineBucketName"]["Value"] == {"Ref": "QuarantineBucket"}


# --- The sample events ------------------------------------------------------------------------


def test_the_api_gateway_events_on_disk_are_current():
    # Given events/api/ on disk
    directory = ROOT / "events" / "api"
    on_disk = {
        path.name: path.read_bytes().decode("utf-8")
        for path in directory.iterdir()
        if path.is_file()
    }

    # When the events are rendered from events/payloads/
    rendered = {path.name: text for path, text in rendered_events(directory).items()}

    # Then the same files hold the same text
    hint = "events/api/ is stale: run `make events`"
    assert sorted(on_disk) == sorted(rendered), f"{hint} (and delete the files it does not write)"
    stale = [name for name in sorted(rendered) if on_disk[name] != rendered[name]]
    assert stale == [], hint
