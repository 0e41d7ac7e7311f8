"""``replay``: quarantined payloads the receiver can now take are queued once, the rest stay."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import ingest_handler
import pytest

from tests.support.aws import LocalStack
from tests.support.lambda_calls import invoke_ingest
from tests.support.payloads import api_event, payload_bytes, with_body
from tests.support.queued import Interrupted, as_queued, drained, interrupt
from tilte_cli.main import main
from tilte_cli.replay import EventsNotQueued, Outcome, Replayed, Selection, replay
from tilte_webhooks.aws.quarantine import S3Quarantine
from tilte_webhooks.aws.queues import SqsEventPublisher
from tilte_webhooks.errors import UnknownNotificationType
from tilte_webhooks.ingest import QuarantineRecord
from tilte_webhooks.messages import fan_out
from tilte_webhooks.notification_types import NOTIFICATION_TYPES
from tilte_webhooks.parser import parse_notification

DEC_1, DEC_2, DEC_3 = (datetime(2026, 12, day, 10, 0, tzinfo=UTC) for day in (1, 2, 3))


def keep(
    stack: LocalStack,
    notification_type: str,
    *,
    at: datetime,
    folder: str | None = None,
    fmt: str = "json",
) -> str:
    """A sample kept as an older version kept a type it did not know yet: written by the
    quarantine adapter, under ``unknown-type/<Type>/`` (or ``folder``); its key."""
    error = UnknownNotificationType(notification_type)
    record = QuarantineRecord(
        key=f"{folder or f'unknown-type/{notification_type}'}/{at:%Y/%m/%d/%H%M%S%f}-req.json",
        reason_code=error.code,
        reason=error.message,
        problems=[],
        request_id="req",
        received_at=at,
        headers={"content-type": f"application/{fmt}"},
        query={},
        body=payload_bytes(notification_type, fmt),
        is_base64_encoded=False,
    )
    S3Quarantine(stack.client("s3"), stack.bucket).keep(record)
    return record.key


def ingested(event: dict[str, Any], stack: LocalStack) -> str:
    """The key under which the real ingest quarantined ``event``."""
    before = set(stack.quarantined())
    answer = invoke_ingest(event)
    assert answer.status in {202, 400, 413}
    (key,) = set(stack.quarantined()) - before
    return key


def max_body_bytes(stack: LocalStack) -> int:
    """The template's MaxBodyBytes, as the local stack and a default deployment have it."""
    return int(stack.resolver.refs["MaxBodyBytes"])


def set_ingest_limit(monkeypatch: pytest.MonkeyPatch, limit: int) -> None:
    monkeypatch.setenv("MAX_BODY_BYTES", str(limit))
    ingest_handler.dependencies.cache_clear()


def replay_in(stack: LocalStack, selection: Selection, **options: Any) -> list[Replayed]:
    urls = {name: stack.queue_url(name) for name in NOTIFICATION_TYPES}
    publisher = SqsEventPublisher(stack.client("sqs"), urls)
    s3 = options.pop("s3", None) or stack.client("s3")
    return replay(
        s3, stack.bucket, publisher, selection, max_body_bytes=max_body_bytes(stack), **options
    )


def queued(key: str, notification_type: str, events: int) -> Replayed:
    """The result of a payload whose events were queued, and whose object moved."""
    return Replayed(key, Outcome.QUEUED, notification_type, events, moved_to=f"replayed/{key}")


def sample_queued(notification_type: str, fmt: str = "json") -> list[Any]:
    """What the ingest queues for a sample: bodies and attributes, sorted."""
    return as_queued(fan_out(parse_notification(payload_bytes(notification_type, fmt))))


# --- What is queued, what stays ------------------------------------------------------------


def test_a_payload_kept_as_an_unknown_type_is_queued_once_its_type_is_supported(
    stack: LocalStack,
) -> None:
    # Given a Subscribe notification kept by a version that did not know Subscribe
    key = keep(stack, "Subscribe", at=DEC_1)
    document = stack.quarantined()[key]

    # When the quarantine is replayed
    results = replay_in(stack, Selection(prefix="unknown-type/"))

    # Then its events are on the Subscribe queue, exactly as the ingest queues them (same
    # eventIds), and its object moved, unchanged, to replayed/
    assert results == [queued(key, "Subscribe", 3)]
    assert drained(stack, stack.queue_url("Subscribe")) == sample_queued("Subscribe")
    assert stack.quarantined() == {f"replayed/{key}": document}
    assert stack.queued_counts() == dict.fromkeys(NOTIFICATION_TYPES, 0)

    # And a second replay picks nothing
    assert replay_in(stack, Selection(prefix="")) == []


def test_a_payload_refused_for_its_size_is_queued_with_the_ids_the_ingest_gives(
    stack: LocalStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given an ingest that refused the Subscribe XML sample as too large (limit 500 bytes)
    set_ingest_limit(monkeypatch, 500)
    event = api_event("Subscribe-xml")
    key = ingested(event, stack)
    assert key.startswith("rejected/")

    # When it is replayed under the stack's limit
    results = replay_in(stack, Selection(keys=[key]))

    # Then its events are queued as the ingest queues the same request under that limit
    assert results == [queued(key, "Subscribe", 3)]
    replayed = drained(stack, stack.queue_url("Subscribe"))
    set_ingest_limit(monkeypatch, max_body_bytes(stack))
    assert invoke_ingest(event).status == 202
    assert replayed == drained(stack, stack.queue_url("Subscribe"))
    assert replayed == sample_queued("Subscribe", "xml")
    assert list(stack.quarantined()) == [f"replayed/{key}"]


def test_a_utf16_body_kept_as_base64_is_replayed_byte_for_byte(
    stack: LocalStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given the UTF-16 Subscribe body, sent as binary, refused as too large and kept as base64
    set_ingest_limit(monkeypatch, 500)
    key = ingested(api_event("Subscribe-xml-utf16"), stack)
    assert "bodyBase64" in stack.quarantined()[key]

    # When it is replayed
    results = replay_in(stack, Selection(keys=[key]))

    # Then it decodes as the ingest decodes it: the same events as the UTF-8 XML sample
    assert results == [queued(key, "Subscribe", 3)]
    assert drained(stack, stack.queue_url("Subscribe")) == sample_queued("Subscribe", "xml")


def test_a_payload_still_invalid_stays_and_is_reported_with_its_code(stack: LocalStack) -> None:
    # Given a Subscribe payload whose third date is 'yesterday', refused by the ingest
    body = payload_bytes("Subscribe", "json").replace(b"2024-08-07T12:46:13.0929985Z", b"yesterday")
    key = ingested(with_body(api_event("Subscribe-json"), body), stack)
    document = stack.quarantined()[key]

    # When it is replayed
    results = replay_in(stack, Selection(prefix="rejected/"))

    # Then it is still refused, with the same code, and stays where it was; nothing is queued
    assert results == [Replayed(key, Outcome.REFUSED, code="invalid_fields")]
    assert stack.quarantined() == {key: document}
    assert stack.queued_counts() == dict.fromkeys(NOTIFICATION_TYPES, 0)


def test_a_type_still_unknown_stays(stack: LocalStack) -> None:
    key = ingested(api_event("bad-unknown-type"), stack)  # a Resubscribe notification

    results = replay_in(stack, Selection(prefix="unknown-type/"))

    assert results == [Replayed(key, Outcome.UNKNOWN_TYPE)]
    assert list(stack.quarantined()) == [key]
    assert stack.queued_counts() == dict.fromkeys(NOTIFICATION_TYPES, 0)


def test_a_body_that_was_not_base64_is_still_refused_as_such(stack: LocalStack) -> None:
    # Given a valid Subscribe body that its request wrongly marked as base64
    event = api_event("Subscribe-json")
    event["isBase64Encoded"] = True
    key = ingested(event, stack)

    # Then the ingest's rules refuse it the same way again: it is kept as it came
    assert replay_in(stack, Selection(keys=[key])) == [
        Replayed(key, Outcome.REFUSED, code="bad_base64")
    ]
    assert list(stack.quarantined()) == [key]


def test_what_is_not_a_quarantined_payload_is_skipped(stack: LocalStack) -> None:
    stack.client("s3").put_object(Bucket=stack.bucket, Key="rejected/notes.json", Body=b"{}")

    results = replay_in(stack, Selection(keys=["rejected/missing.json", "rejected/notes.json"]))

    assert results == [
        Replayed("rejected/missing.json", Outcome.SKIPPED, reason="no such object"),
        Replayed("rejected/notes.json", Outcome.SKIPPED, reason="not a quarantine record"),
    ]
    assert list(stack.quarantined()) == ["rejected/notes.json"]


# --- Which objects ----------------------------------------------------------------------------


@pytest.fixture
def three_kept(stack: LocalStack) -> dict[str, str]:
    """Three valid payloads kept on three days: name -> key."""
    return {
        "open": keep(stack, "MessageOpen", at=DEC_1, folder="rejected"),
        "click": keep(stack, "MessageClick", at=DEC_2, folder="rejected"),
        "subscribe": keep(stack, "Subscribe", at=DEC_3),
    }


SELECTIONS: list[tuple[str, dict[str, Any], list[str]]] = [
    ("a key", {"keys": ["click"]}, ["click"]),
    ("two keys, in the order given", {"keys": ["subscribe", "open"]}, ["subscribe", "open"]),
    ("a prefix", {"prefix": "rejected/"}, ["open", "click"]),
    ("a key and a prefix", {"keys": ["open"], "prefix": "unknown-type/"}, ["open", "subscribe"]),
    ("since, inclusive", {"since": DEC_2}, ["click", "subscribe"]),
    ("until, exclusive", {"until": DEC_2}, ["open"]),
    ("a time range", {"since": DEC_2, "until": DEC_3}, ["click"]),
    ("a prefix and a time", {"prefix": "rejected/", "since": DEC_2}, ["click"]),
    ("a key outside the time", {"keys": ["open"], "since": DEC_2}, []),
]


@pytest.mark.parametrize(
    ("choice", "chosen"), [s[1:] for s in SELECTIONS], ids=[s[0] for s in SELECTIONS]
)
def test_the_selection_chooses_by_key_prefix_and_time_received(
    stack: LocalStack, three_kept: dict[str, str], choice: dict[str, Any], chosen: list[str]
) -> None:
    # Given a selection naming the kept payloads' keys
    keys = [three_kept[name] for name in choice.get("keys", [])]
    selection = Selection(**{**choice, "keys": keys})

    # When it is replayed
    results = replay_in(stack, selection)

    # Then exactly the chosen objects were replayed, in order, and moved; the others stay
    assert [result.key for result in results] == [three_kept[name] for name in chosen]
    assert sorted(stack.quarantined()) == sorted(
        f"replayed/{key}" if name in chosen else key for name, key in three_kept.items()
    )


def test_objects_already_replayed_are_replayed_again_only_when_asked_and_stay(
    stack: LocalStack, three_kept: dict[str, str]
) -> None:
    # Given the three payloads replayed, and their events consumed
    replay_in(stack, Selection(prefix=""))
    stack.queued_bodies()

    # When the operator asks for one of replayed/ again
    again = replay_in(stack, Selection(prefix="replayed/unknown-type/"))

    # Then its events are queued again, and it stays where it is
    key = f"replayed/{three_kept['subscribe']}"
    assert again == [Replayed(key, Outcome.QUEUED, "Subscribe", events=3)]
    assert drained(stack, stack.queue_url("Subscribe")) == sample_queued("Subscribe")
    assert sorted(stack.quarantined()) == sorted(f"replayed/{k}" for k in three_kept.values())


def test_a_dry_run_queues_and_moves_nothing(stack: LocalStack, three_kept: dict[str, str]) -> None:
    # Given three valid payloads and a still unknown type
    unknown = ingested(api_event("bad-unknown-type"), stack)
    before = stack.quarantined()

    # When the dry run covers them all
    results = replay_in(stack, Selection(prefix=""), dry_run=True)

    # Then it says what a replay would do, and nothing changed
    assert results == [
        queued(three_kept["open"], "MessageOpen", 2),
        queued(three_kept["click"], "MessageClick", 2),
        Replayed(unknown, Outcome.UNKNOWN_TYPE),
        queued(three_kept["subscribe"], "Subscribe", 3),
    ]
    assert stack.queued_counts() == dict.fromkeys(NOTIFICATION_TYPES, 0)
    assert stack.quarantined() == before


# --- Interruptions and failures ---------------------------------------------------------------


def test_an_interruption_between_copy_and_delete_only_queues_again_later(
    stack: LocalStack,
) -> None:
    # Given a replay that stops after copying the object to replayed/
    key = keep(stack, "Subscribe", at=DEC_1)
    s3 = stack.client("s3")
    s3.meta.events.register("before-call.s3.DeleteObject", interrupt)
    with pytest.raises(Interrupted):
        replay_in(stack, Selection(keys=[key]), s3=s3)

    # Then the events are queued and the object is in both places
    first = drained(stack, stack.queue_url("Subscribe"))
    assert first == sample_queued("Subscribe")
    assert sorted(stack.quarantined()) == [f"replayed/{key}", key]

    # When a later replay picks it again
    results = replay_in(stack, Selection(prefix="unknown-type/"))

    # Then the same events (same eventIds, applied once) are queued again, and it moves
    assert results == [queued(key, "Subscribe", 3)]
    assert drained(stack, stack.queue_url("Subscribe")) == first
    assert list(stack.quarantined()) == [f"replayed/{key}"]


def test_events_that_cannot_be_queued_leave_the_payload_in_quarantine(stack: LocalStack) -> None:
    key = keep(stack, "Subscribe", at=DEC_1)
    gone = {name: f"{stack.queue_url(name)}-deleted" for name in NOTIFICATION_TYPES}
    publisher = SqsEventPublisher(stack.client("sqs"), gone, sleep=lambda _: None)

    with pytest.raises(EventsNotQueued) as raised:
        replay(stack.client("s3"), stack.bucket, publisher, Selection(keys=[key]))

    assert str(raised.value) == (
        f"3 of 3 events of {key} could not be queued; it stays in quarantine: replay it again "
        "(events already queued are not applied twice)"
    )
    assert list(stack.quarantined()) == [key]


# --- The command ---------------------------------------------------------------------------


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(["replay", *args])
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture
def kept(served_stack: LocalStack, capsys: pytest.CaptureFixture[str]) -> dict[str, str]:
    """In the local stack (moto's server, at AWS_ENDPOINT_URL): a valid Subscribe kept as an
    unknown type, an invalid payload and a Resubscribe, both from the real ingest."""
    body = payload_bytes("Subscribe", "json").replace(b"2024-08-07T12:46:13.0929985Z", b"yesterday")
    keys = {
        "valid": keep(served_stack, "Subscribe", at=DEC_1, fmt="xml"),
        "invalid": ingested(with_body(api_event("Subscribe-json"), body), served_stack),
        "unknown": ingested(api_event("bad-unknown-type"), served_stack),
    }
    capsys.readouterr()  # the ingest's own logs
    return keys


def test_replay_reports_each_payload_and_the_totals(
    served_stack: LocalStack, kept: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(capsys, "--prefix", "")

    assert (status, err) == (0, "")
    assert out.splitlines() == [
        f"{kept['invalid']}: still refused: invalid_fields",
        f"{kept['unknown']}: still unknown type",
        f"{kept['valid']}: queued 3 events of Subscribe",
        "total: 3 payloads: 1 queued (3 events), 1 still refused, 1 still unknown type, 0 skipped",
    ]
    assert drained(served_stack, served_stack.queue_url("Subscribe")) == sample_queued(
        "Subscribe", "xml"
    )
    assert sorted(served_stack.quarantined()) == sorted(
        [kept["invalid"], f"replayed/{kept['valid']}", kept["unknown"]]
    )


def test_a_dry_run_in_json_says_what_would_happen(
    served_stack: LocalStack, kept: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(capsys, "--since", "2000-01-01T00:00:00Z", "--dry-run", "--json")

    assert (status, err) == (0, "")
    assert json.loads(out) == {
        "dryRun": True,
        "payloads": [
            {"key": kept["invalid"], "outcome": "refused", "code": "invalid_fields"},
            {"key": kept["unknown"], "outcome": "unknown_type"},
            {
                "key": kept["valid"],
                "outcome": "queued",
                "notificationType": "Subscribe",
                "events": 3,
                "movedTo": f"replayed/{kept['valid']}",
            },
        ],
        "total": {
            "payloads": 3,
            "queued": 1,
            "events": 3,
            "refused": 1,
            "unknownType": 1,
            "skipped": 0,
        },
    }
    assert sum(served_stack.queued_counts().values()) == 0
    assert sorted(served_stack.quarantined()) == sorted(kept.values())


def test_a_dry_run_in_text_says_would(
    served_stack: LocalStack, kept: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "--key", kept["valid"], "--dry-run") == (
        0,
        "dry run: nothing is queued or moved\n"
        f"{kept['valid']}: would queue 3 events of Subscribe\n"
        "total: 1 payload: 1 would be queued (3 events), 0 still refused, "
        "0 still unknown type, 0 skipped\n",
        "",
    )


def test_a_key_that_does_not_exist_is_reported_and_fails_the_run(
    served_stack: LocalStack, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "--key", "rejected/nothing.json") == (
        1,
        "rejected/nothing.json: skipped: no such object\n"
        "total: 1 payload: 0 queued (0 events), 0 still refused, 0 still unknown type, "
        "1 skipped\n",
        "",
    )


def test_a_deployed_stack_is_found_by_its_outputs_and_its_size_limit(
    served_stack: LocalStack, kept: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a deployed stack naming the local resources, with MaxBodyBytes at its minimum,
    # under the 1,101 bytes of the Subscribe XML sample
    outputs = {f"{name}QueueUrl": served_stack.queue_url(name) for name in NOTIFICATION_TYPES}
    outputs["QuarantineBucketName"] = served_stack.bucket
    template = {
        "Parameters": {"MaxBodyBytes": {"Type": "Number", "Default": 5242880}},
        "Resources": {"Placeholder": {"Type": "AWS::SQS::Queue"}},
        "Outputs": {key: {"Value": value} for key, value in outputs.items()},
    }
    served_stack.client("cloudformation").create_stack(
        StackName="receiver",
        TemplateBody=json.dumps(template),
        Parameters=[{"ParameterKey": "MaxBodyBytes", "ParameterValue": "1024"}],
    )

    # Then replay with --stack applies that stack's limit
    assert run(capsys, "--key", kept["valid"], "--stack", "receiver") == (
        0,
        f"{kept['valid']}: still refused: payload_too_large\n"
        "total: 1 payload: 0 queued (0 events), 1 still refused, 0 still unknown type, "
        "0 skipped\n",
        "",
    )


@pytest.mark.parametrize(
    ("args", "error"),
    [
        ([], "error: usage: choose what to replay with --key, --prefix, --since or --until\n"),
        (["--since", "last week"], "error: usage: --since: 'last week' is not an ISO 8601 time\n"),
    ],
    ids=["nothing chosen", "not a time"],
)
def test_what_to_replay_must_be_clear(
    capsys: pytest.CaptureFixture[str], args: list[str], error: str
) -> None:
    assert run(capsys, *args) == (2, "", error)


def test_a_missing_stack_is_one_line_not_a_traceback(
    served_stack: LocalStack, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(capsys, "--prefix", "", "--stack", "nowhere")

    assert (status, out) == (1, "")
    assert err.startswith("error: aws: An error occurred (ValidationError) ")
    assert err.count("\n") == 1
