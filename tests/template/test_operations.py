"""template.yaml for the operator: alarms, the dashboard, logs and concurrency.

As in test_template.py, the checks that matter most return a list of problems, and one test
shows each of them catching a deliberately broken copy of the template.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import pytest

from tilte_cli.cloudformation import resources_of_type
from tilte_webhooks.metric_counts import Metric
from tilte_webhooks.notification_types import NOTIFICATION_TYPES
from tilte_webhooks.observability import NAMESPACE

TYPES = list(NOTIFICATION_TYPES)
TOPIC = [{"Ref": "AlarmTopic"}]
STACK_NAME = {"Ref": "AWS::StackName"}
METRIC_NAMES = {metric.value for metric in Metric}
CONSUMERS = [
    "SubscribersFunction",
    "SuppressionsFunction",
    "EngagementFunction",
    "CampaignsFunction",
]
FUNCTIONS = ["IngestFunction", *CONSUMERS]


def _get_att(name: str, attribute: str) -> dict[str, Any]:
    return {"Fn::GetAtt": [name, attribute]}


def _dimensions(metric: Mapping[str, Any]) -> dict[str, Any]:
    return {d["Name"]: d["Value"] for d in metric.get("Dimensions", [])}


def _alarm_metrics(alarm: Mapping[str, Any]) -> list[dict[str, Any]]:
    """(namespace, metric name, dimensions) of each metric an alarm reads, simple or math."""
    if "MetricName" in alarm:
        return [
            {
                "namespace": alarm.get("Namespace"),
                "name": alarm["MetricName"],
                "dimensions": _dimensions(alarm),
            }
        ]
    return [
        {
            "namespace": query["MetricStat"]["Metric"].get("Namespace"),
            "name": query["MetricStat"]["Metric"]["MetricName"],
            "dimensions": _dimensions(query["MetricStat"]["Metric"]),
        }
        for query in alarm.get("Metrics", [])
        if "MetricStat" in query
    ]


def _watches(alarm: Mapping[str, Any], namespace: str, name: str, **dimensions: Any) -> bool:
    return {"namespace": namespace, "name": name, "dimensions": dimensions} in _alarm_metrics(alarm)


# --- Alarms -----------------------------------------------------------------------------------


def alarm_problems(template: Mapping[str, Any]) -> list[str]:
    """Everything missing from the alarms of a translated template; [] when every dead-letter
    queue, every SQS consumer, the API's 5xx rate and the quarantine have their alarm, and
    every alarm notifies the topic when it fires and when it clears."""
    alarms = resources_of_type(template, "AWS::CloudWatch::Alarm")
    queues = resources_of_type(template, "AWS::SQS::Queue")
    dead_letter_queues = [name for name, queue in queues.items() if "RedrivePolicy" not in queue]
    problems = [
        f"{name}: notifies {alarm.get('AlarmActions')} and {alarm.get('OKActions')}"
        for name, alarm in alarms.items()
        if alarm.get("AlarmActions") != TOPIC or alarm.get("OKActions") != TOPIC
    ]
    for queue in dead_letter_queues:
        depth = [
            alarm
            for alarm in alarms.values()
            if _watches(
                alarm,
                "AWS/SQS",
                "ApproximateNumberOfMessagesVisible",
                QueueName=_get_att(queue, "QueueName"),
            )
            and (alarm.get("ComparisonOperator"), alarm.get("Threshold"))
            == ("GreaterThanOrEqualToThreshold", 1)
            and alarm.get("EvaluationPeriods") == 1
        ]
        if not depth:
            problems.append(f"{queue}: no alarm on its first")
    consumers = sorted(
        {
            mapping["FunctionName"]["Ref"]
            for mapping in resources_of_type(template, "AWS::Lambda::EventSourceMapping").values()
        }
    )
    for function in consumers:
        name = {"FunctionName": {"Ref": function}}
        if not any(
            _watches(alarm, "AWS/Lambda", "Errors", **name)
            and _watches(alarm, "AWS/Lambda", "Throttles", **name)
            for alarm in alarms.values()
        ):
            problems.append(f"{function}: no alarm on its failures")
    api = {"ApiId": {"Ref": "WebhookApi"}}
    if not any(
        _watches(alarm, "AWS/ApiGateway", "5xx", **api)
        and _watches(alarm, "AWS/ApiGateway", "Count", **api)
        for alarm in alarms.values()
    ):
        problems.append("WebhookApi: no alarm on its 5xx rate")
    if not any(
        _watches(alarm, NAMESPACE, Metric.NOTIFICATIONS_QUARANTINED, service=STACK_NAME)
        for alarm in alarms.values()
    ):
        problems.append("QuarantineBucket: no alarm on payloads kept in it")
    return problems


def test_every_dead_letter_queue_consumer_api_and_the_quarantine_has_an_alarm(translated):
    # Given the translated template

    # When its alarms are checked
    problems = alarm_problems(translated)

    # Then nothing is missing: 10 dead-letter queues, 4 consumers, the API, the quarantine
    assert problems == []
    alarms = resources_of_type(translated, "AWS::CloudWatch::Alarm")
    assert sorted(alarms) == sorted(
        [f"{kind}DeadLetterAlarm" for kind in TYPES]
        + [f"{function}ErrorsAlarm" for function in CONSUMERS]
        + ["IngestErrorRateAlarm", "QuarantineAlarm"]
    )
    assert all(alarm["TreatMissingData"] == "notBreaching" for alarm in alarms.values())


def test_the_5xx_alarm_fires_on_a_rate_over_5_percent_in_2_of_3_periods(translated):
    # Given the ingest's alarm
    alarm = translated["Resources"]["IngestErrorRateAlarm"]["Properties"]

    # Then it divides 5xx by requests (0 without requests) and needs 2 bad periods of 3
    (rate,) = [query for query in alarm["Metrics"] if query.get("ReturnData")]
    assert rate["Expression"] == "IF(requests > 0, 100 * FILL(errors, 0) / requests, 0)"
    assert (alarm["Threshold"], alarm["ComparisonOperator"]) == (5, "GreaterThanThreshold")
    assert (alarm["EvaluationPeriods"], alarm["DatapointsToAlarm"]) == (3, 2)
    periods = {query["MetricStat"]["Period"] for query in alarm["Metrics"] if "MetricStat" in query}
    assert periods == {300}


def _without_a_dead_letter_alarm(template: dict[str, Any]) -> None:
    del template["Resources"]["MessageOpenDeadLetterAlarm"]


def _alarming_on_another_queue(template: dict[str, Any]) -> None:
    alarm = template["Resources"]["SubscribeDeadLetterAlarm"]["Properties"]
    alarm["Dimensions"][0]["Value"] = _get_att("UnsubscribeDeadLetterQueue", "QueueName")


def _alarming_after_ten_messages(template: dict[str, Any]) -> None:
    template["Resources"]["CampaignSentDeadLetterAlarm"]["Properties"]["Threshold"] = 10


def _silent(template: dict[str, Any]) -> None:
    del template["Resources"]["QuarantineAlarm"]["Properties"]["OKActions"]


def _without_the_engagement_alarm(template: dict[str, Any]) -> None:
    del template["Resources"]["EngagementFunctionErrorsAlarm"]


def _without_the_quarantine_alarm(template: dict[str, Any]) -> None:
    del template["Resources"]["QuarantineAlarm"]


@pytest.mark.parametrize(
    ("alter", "expected"),
    [
        (_without_a_dead_letter_alarm, ["MessageOpenDeadLetterQueue: no alarm on its first"]),
        (_alarming_on_another_queue, ["SubscribeDeadLetterQueue: no alarm on its first"]),
        (_alarming_after_ten_messages, ["CampaignSentDeadLetterQueue: no alarm on its first"]),
        (_silent, [f"QuarantineAlarm: notifies {TOPIC} and None"]),
        (_without_the_engagement_alarm, ["EngagementFunction: no alarm on its failures"]),
        (_without_the_quarantine_alarm, ["QuarantineBucket: no alarm on payloads kept in it"]),
    ],
    ids=[
        "dlq-alarm-removed",
        "dlq-alarm-on-another-queue",
        "dlq-threshold-10",
        "no-ok-action",
        "consumer-alarm-removed",
        "quarantine-alarm-removed",
    ],
)
def test_the_alarm_check_catches_a_broken_copy(
    translated, alter: Callable[[dict[str, Any]], None], expected: list[str]
):
    # Given a copy of the translated template, broken in one way
    broken = copy.deepcopy(translated)
    alter(broken)

    # When the alarm check runs on it
    problems = alarm_problems(broken)

    # Then it reports exactly that breakage
    assert problems == expected


def test_alarms_reach_the_topic_and_the_optional_email_only(ours):
    # Given the topic, its policy, the subscription and the email parameter as written
    resources = ours["Resources"]
    policy = resources["AlarmTopicPolicy"]["Properties"]
    subscription = resources["AlarmEmailSubscription"]
    pattern = re.compile(ours["Parameters"]["AlarmEmail"]["AllowedPattern"])

    # Then CloudWatch alone may publish, for this account's alarms, and the email is
    # subscribed only when one is given
    assert policy["Topics"] == TOPIC
    assert policy["PolicyDocument"]["Statement"] == [
        {
            "Sid": "AlarmsOfThisAccountPublish",
            "Effect": "Allow",
            "Principal": {"Service": "cloudwatch.amazonaws.com"},
            "Action": "sns:Publish",
            "Resource": {"Ref": "AlarmTopic"},
            "Condition": {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}},
        }
    ]
    assert subscription["Condition"] == "HasAlarmEmail"
    assert subscription["Properties"] == {
        "TopicArn": {"Ref": "AlarmTopic"},
        "Protocol": "email",
        "Endpoint": {"Ref": "AlarmEmail"},
    }
    assert ours["Conditions"]["HasAlarmEmail"] == {
        "Fn::Not": [{"Fn::Equals": [{"Ref": "AlarmEmail"}, ""]}]
    }
    assert ours["Parameters"]["AlarmEmail"]["Default"] == ""
    accepted = ["", "ops@example.com", "on-call+tilte@mail.example.org"]
    refused = ["ops", "ops@example", "two@at@example.com", "ops @example.com"]
    assert [value for value in accepted if not pattern.fullmatch(value)] == []
    assert [value for value in refused if pattern.fullmatch(value)] == []


# --- The dashboard ----------------------------------------------------------------------------


def _references(node: Any) -> Iterator[str]:
    """The logical id or parameter named by every Ref, GetAtt and ``${...}`` of Sub."""
    if isinstance(node, list):
        for item in node:
            yield from _references(item)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key == "Ref" and isinstance(value, str):
                yield value
            elif key == "Fn::GetAtt":
                yield value[0]
            elif key == "Fn::Sub":
                text = value if isinstance(value, str) else value[0]
                yield from (name.split(".")[0] for name in re.findall(r"\$\{([^!}]+)\}", text))
                if not isinstance(value, str):
                    yield from _references(value[1])
            else:
                yield from _references(value)


def _widgets(template: Mapping[str, Any]) -> list[dict[str, Any]]:
    body = template["Resources"]["Dashboard"]["Properties"]["DashboardBody"]["Fn::ToJsonString"]
    widgets: list[dict[str, Any]] = body["widgets"]
    return widgets


def _sub_text(value: Any) -> str:
    return value["Fn::Sub"] if isinstance(value, dict) and "Fn::Sub" in value else str(value)


DIMENSION_TYPES: dict[str, tuple[str, Callable[[Any], str], str | None]] = {
    "QueueName": ("AWS::SQS::Queue", lambda value: value["Fn::GetAtt"][0], "QueueName"),
    "FunctionName": ("AWS::Serverless::Function", lambda value: value["Ref"], None),
    "ApiId": ("AWS::Serverless::HttpApi", lambda value: value["Ref"], None),
    "TableName": ("AWS::DynamoDB::Table", lambda value: value["Ref"], None),
}
"""Dimension -> (the resource type it names, how its value names it, the GetAtt attribute)."""


def _is_option(field: Any) -> bool:
    """A metric line's rendering options (``{label: ...}``), as opposed to a Ref or GetAtt."""
    return isinstance(field, dict) and not {"Ref", "Fn::GetAtt"} & set(field)


def dashboard_metrics(template: Mapping[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """(namespace, metric, dimensions) of every metric the dashboard graphs by name."""
    found = []
    for widget in _widgets(template):
        for line in widget["properties"].get("metrics", []):
            fields = [field for field in line if not _is_option(field)]
            if len(fields) >= 2 and all(isinstance(field, str) for field in fields[:2]):
                pairs = dict(zip(fields[2::2], fields[3::2], strict=True))
                found.append((fields[0], fields[1], pairs))
    return found


def dashboard_searches(template: Mapping[str, Any]) -> list[str]:
    """The text of every SEARCH expression of the dashboard."""
    return [
        _sub_text(field["expression"])
        for widget in _widgets(template)
        for line in widget["properties"].get("metrics", [])
        for field in line
        if isinstance(field, dict) and "expression" in field
    ]


def _not_published(metric: str) -> str:
    return f"dashboard: {metric} is not a metric the functions publish"


def _coverage(template: Mapping[str, Any]) -> dict[tuple[str, str], set[str]]:
    """What the dashboard must graph for every one of its resources."""
    queues = resources_of_type(template, "AWS::SQS::Queue")
    sources = {name for name, queue in queues.items() if "RedrivePolicy" in queue}
    return {
        ("AWS/SQS", "ApproximateAgeOfOldestMessage"): sources,
        ("AWS/SQS", "ApproximateNumberOfMessagesVisible"): set(queues) - sources,
        ("AWS/Lambda", "Errors"): set(resources_of_type(template, "AWS::Serverless::Function")),
        ("AWS/DynamoDB", "WriteThrottleEvents"): set(
            resources_of_type(template, "AWS::DynamoDB::Table")
        ),
    }


def dashboard_problems(template: Mapping[str, Any]) -> list[str]:
    """Everything on the dashboard that points at nothing; [] when every reference is a
    resource or parameter of the template, every dimension names a resource of the right
    type, every custom metric is one the functions publish, and the queue age, dead-letter
    depth, function, table and alarm widgets cover all of theirs."""
    resources = template["Resources"]
    known = set(resources) | set(template.get("Parameters", {}))
    widgets = _widgets(template)
    problems = [
        f"dashboard: {name} is not a resource or parameter"
        for name in sorted(set(_references(widgets)))
        if name not in known and not name.startswith("AWS::")
    ]
    graphed: dict[tuple[str, str], set[str]] = {}
    for namespace, metric, dimensions in dashboard_metrics(template):
        if namespace == NAMESPACE:
            if metric not in METRIC_NAMES:
                problems.append(_not_published(metric))
            if dimensions != {"service": STACK_NAME}:
                problems.append(f"dashboard: {metric} with {dimensions}")
            continue
        for dimension, value in dimensions.items():
            if dimension not in DIMENSION_TYPES:
                problems.append(f"dashboard: {metric} by {dimension}, which names nothing here")
                continue
            resource_type, name_of, attribute = DIMENSION_TYPES[dimension]
            name = name_of(value)
            if resources.get(name, {}).get("Type") != resource_type or (
                attribute and value["Fn::GetAtt"][1] != attribute
            ):
                problems.append(f"dashboard: {dimension} {name} is not a {resource_type}")
            graphed.setdefault((namespace, metric), set()).add(name)
    for text in dashboard_searches(template):
        problems += [
            _not_published(metric)
            for metric in re.findall(r'MetricName="([^"]+)"', text)
            if metric not in METRIC_NAMES
        ]
        if f"{{{NAMESPACE}," not in text or 'service="${AWS::StackName}"' not in text:
            problems.append(f"dashboard: {text} searches beyond this stack")
    for (namespace, metric), names in _coverage(template).items():
        missing = sorted(names - graphed.get((namespace, metric), set()))
        if missing:
            problems.append(f"dashboard: no {metric} of {', '.join(missing)}")
    alarms = [
        alarm
        for widget in widgets
        if widget["type"] == "alarm"
        for alarm in widget["properties"]["alarms"]
    ]
    every_alarm = [
        _get_att(name, "Arn") for name in resources_of_type(template, "AWS::CloudWatch::Alarm")
    ]
    if alarms != every_alarm:
        problems.append(f"dashboard: shows the alarms {alarms}")
    return problems


def test_the_dashboard_shows_only_what_exists_and_all_of_it(ours):
    # Given the dashboard as written (intrinsics kept)

    # When it is checked against the template and the functions' metric names
    problems = dashboard_problems(ours)

    # Then nothing on it points at nothing, and nothing that should be on it is missing
    assert problems == []
    titles = [widget["properties"].get("title") for widget in _widgets(ours)]
    assert "Age of the oldest message, by queue (s)" in titles
    assert "Messages in the dead-letter queues" in titles
    assert "Events queued, by NotificationType" in titles
    assert len(dashboard_metrics(ours)) > 2 * len(TYPES) + 2 * len(FUNCTIONS)


def test_the_dashboard_body_is_json_with_every_type_queue(expanded):
    # Given the dashboard as the SAM CLI expands it (Fn::ToJsonString made a string)
    body = json.loads(expanded["Resources"]["Dashboard"]["Properties"]["DashboardBody"])

    # When its per-queue lines are picked out
    labels = [
        line[-1]["label"]
        for widget in body["widgets"]
        if widget["properties"].get("title") == "Age of the oldest message, by queue (s)"
        for line in widget["properties"]["metrics"]
    ]

    # Then there is one per NotificationType, labelled with the type
    assert labels == TYPES


def _graphing_a_stray_queue(template: dict[str, Any]) -> None:
    age = [w for w in _widgets(template) if "oldest" in w["properties"].get("title", "")]
    age[0]["properties"]["metrics"][0][3] = _get_att("StrayQueue", "QueueName")


def _graphing_a_misspelt_metric(template: dict[str, Any]) -> None:
    widget = _widgets(template)[4]  # rejected by reason, and quarantined
    widget["properties"]["metrics"][1][1] = "NotificationsQuarantine"


def _without_a_dead_letter_queue(template: dict[str, Any]) -> None:
    depth = [w for w in _widgets(template) if "dead-letter" in w["properties"].get("title", "")]
    del depth[0]["properties"]["metrics"][8]  # CampaignSent


def _searching_every_stack(template: dict[str, Any]) -> None:
    widget = _widgets(template)[4]
    expression = widget["properties"]["metrics"][0][0]["expression"]
    expression["Fn::Sub"] = expression["Fn::Sub"].replace(' service="${AWS::StackName}"', "")


def _without_an_alarm(template: dict[str, Any]) -> None:
    del _widgets(template)[1]["properties"]["alarms"][-1]


@pytest.mark.parametrize(
    ("alter", "expected"),
    [
        (
            _graphing_a_stray_queue,
            [
                "dashboard: StrayQueue is not a resource or parameter",
                "dashboard: QueueName StrayQueue is not a AWS::SQS::Queue",
                "dashboard: no ApproximateAgeOfOldestMessage of SubscribeQueue",
            ],
        ),
        (
            _graphing_a_misspelt_metric,
            [
                "dashboard: NotificationsQuarantine is not a metric the functions publish",
            ],
        ),
        (
            _without_a_dead_letter_queue,
            ["dashboard: no ApproximateNumberOfMessagesVisible of CampaignSentDeadLetterQueue"],
        ),
        (
            _searching_every_stack,
            [
                "dashboard: SEARCH('{TilteWebhooks,Reason,service} "
                "MetricName=\"NotificationsRejected\"', 'Sum', 300) searches beyond this stack"
            ],
        ),
    ],
    ids=["stray-queue", "misspelt-metric", "dlq-missing", "search-every-stack"],
)
def test_the_dashboard_check_catches_a_broken_copy(
    ours, alter: Callable[[dict[str, Any]], None], expected: list[str]
):
    # Given a copy of the template, its dashboard broken in one way
    broken = copy.deepcopy(ours)
    alter(broken)

    # When the dashboard check runs on it
    problems = dashboard_problems(broken)

    # Then it reports exactly that breakage
    assert problems == expected


def test_the_dashboard_check_catches_a_missing_alarm(ours):
    # Given a copy whose alarm widget leaves out the quarantine alarm
    broken = copy.deepcopy(ours)
    _without_an_alarm(broken)

    # When the dashboard check runs on it
    problems = dashboard_problems(broken)

    # Then the alarm list is reported
    assert len(problems) == 1
    assert problems[0].startswith("dashboard: shows the alarms [")
    assert "QuarantineAlarm" not in problems[0]


# --- Logs -------------------------------------------------------------------------------------


def test_every_function_logs_json_at_the_log_level_parameter(ours, translated):
    # Given the Globals as written and the translated functions
    globals_ = ours["Globals"]["Function"]
    functions = resources_of_type(translated, "AWS::Lambda::Function")

    # Then each writes JSON to its own log group, at LogLevel, which Powertools also obeys,
    # and its metrics carry the stack's name as their service
    assert sorted(functions) == sorted(FUNCTIONS)
    for name, properties in functions.items():
        assert properties["LoggingConfig"] == {
            "LogFormat": "JSON",
            "ApplicationLogLevel": {"Ref": "LogLevel"},
            "LogGroup": {"Ref": name.replace("Function", "Logs")},
        }
    variables = globals_["Environment"]["Variables"]
    assert variables["POWERTOOLS_LOG_LEVEL"] == {"Ref": "LogLevel"}
    assert variables["POWERTOOLS_SERVICE_NAME"] == STACK_NAME
    assert variables["POWERTOOLS_METRICS_NAMESPACE"] == NAMESPACE
    # Lambda's and Python's logging both know these names
    assert ours["Parameters"]["LogLevel"]["AllowedValues"] == ["DEBUG", "INFO", "WARN", "ERROR"]


# --- Concurrency ------------------------------------------------------------------------------


def test_the_ingest_reserves_its_concurrency_unless_told_0(ours, translated):
    # Given the ingest as written and translated, and its condition
    written = ours["Resources"]["IngestFunction"]["Properties"]

    # Then it reserves the parameter (100 by default), or nothing when the parameter is 0
    assert written["ReservedConcurrentExecutions"] == {
        "Fn::If": [
            "ReservesIngestConcurrency",
            {"Ref": "IngestReservedConcurrency"},
            {"Ref": "AWS::NoValue"},
        ]
    }
    assert ours["Conditions"]["ReservesIngestConcurrency"] == {
        "Fn::Not": [{"Fn::Equals": [{"Ref": "IngestReservedConcurrency"}, "0"]}]
    }
    translated_ingest = translated["Resources"]["IngestFunction"]["Properties"]
    assert translated_ingest["ReservedConcurrentExecutions"] == 100


def test_every_queue_is_consumed_at_most_the_maximum_concurrency_at_once(ours, translated):
    # Given the event source mappings SAM makes from the SQS events
    mappings = resources_of_type(translated, "AWS::Lambda::EventSourceMapping")
    parameter = ours["Parameters"]["ConsumerMaximumConcurrency"]

    # Then each of the ten queues has one, capped at the parameter (2, SQS's least, by
    # default), so the consumers never run more than 20 batches at once
    queues = sorted(mapping["EventSourceArn"]["Fn::GetAtt"][0] for mapping in mappings.values())
    assert queues == sorted(f"{kind}Queue" for kind in TYPES)
    assert {json.dumps(m["ScalingConfig"]) for m in mappings.values()} == {
        json.dumps({"MaximumConcurrency": 2})
    }
    assert (parameter["Default"], parameter["MinValue"], parameter["MaxValue"]) == (2, 2, 1000)
    assert parameter["Default"] * len(mappings) == 20
    written = [
        event["Properties"]["ScalingConfig"]
        for name in CONSUMERS
        for event in ours["Resources"][name]["Properties"]["Events"].values()
    ]
    assert written == [{"MaximumConcurrency": {"Ref": "ConsumerMaximumConcurrency"}}] * 10


# --- Outputs ----------------------------------------------------------------------------------


def test_the_outputs_give_the_alarm_topic_and_the_dashboard(ours):
    # Given the outputs as written
    outputs = ours["Outputs"]

    # Then they name the topic and link to the dashboard in the stack's region
    assert outputs["AlarmTopicArn"]["Value"] == {"Ref": "AlarmTopic"}
    assert outputs["DashboardUrl"]["Value"] == {
        "Fn::Sub": "https://${AWS::Region}.console.aws.amazon.com/cloudwatch/home"
        "?region=${AWS::Region}#dashboards/dashboard/${Dashboard}"
    }
