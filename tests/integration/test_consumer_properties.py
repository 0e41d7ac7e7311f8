"""Properties: whatever the arrival order and however often, the data comes out the same."""

from __future__ import annotations

import json
import uuid
from collections import Counter
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.aws import LocalStack
from tilte_cli.cloudformation import Resolver, load_template
from tilte_cli.provision import provision
from tilte_webhooks.aws.dynamodb import PlanExecutor
from tilte_webhooks.aws.queries import ReceiverData
from tilte_webhooks.consumer import plan_message
from tilte_webhooks.dates import TilteDate
from tilte_webhooks.messages import fan_out
from tilte_webhooks.ordering import order_key
from tilte_webhooks.parser import parse_notification

# The moto stack is shared by the examples of a test; each example uses its own ids.
shared_stack = settings(
    max_examples=15, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
# Few instants, so that ties (same instant, different types) happen often.
INSTANTS = [
    "2024-08-07T12:00:00.0000001Z",
    "2024-08-07T12:00:00.0000002Z",
    "2024-08-07T12:00:00.00000025Z",
    "2024-08-07T14:00:00.0000002+02:00",  # the same instant as the second, another offset
]


def body_of(notification: dict[str, Any]) -> list[str]:
    return [m.to_json() for m in fan_out(parse_notification(json.dumps(notification)))]


def apply(stack: LocalStack, bodies: list[str], tables: dict[str, str]) -> None:
    executor = PlanExecutor(stack.client("dynamodb"))
    for body in bodies:
        executor.execute(plan_message(body, tables))


def tables_of(resolver: Resolver) -> dict[str, str]:
    return {
        "subscribers": resolver.refs["SubscribersTable"],
        "suppressions": resolver.refs["SuppressionsTable"],
        "campaigns": resolver.refs["CampaignsTable"],
    }


@pytest.fixture
def second_copy(stack: LocalStack) -> Resolver:
    """Another set of the template's resources, to apply the same events a second way."""
    return provision(load_template(), stack.session, prefix="second-")


subscriber_events = st.lists(
    st.tuples(
        st.sampled_from(["Subscribe", "UpdateSubscriber", "Unsubscribe"]),
        st.sampled_from(INSTANTS),
        st.sampled_from(["a@example.com", "b@example.com"]),
    ),
    min_size=1,
    max_size=6,
    unique=True,
)


def subscriber_bodies(list_id: str, events: list[tuple[str, str, str]]) -> list[str]:
    bodies = []
    for kind, date, email in events:
        bodies += body_of(
            {
                "ListId": list_id,
                "ListName": f"list of {email}",
                "Events": [{"Email": email, "Date": date, "SubscriberId": "subscriber-1"}],
                "Random": "r",
                "NotificationType": kind,
            }
        )
    return bodies


def instants(row: dict[str, Any]) -> dict[str, Any]:
    """The row with each date as its exact instant."""
    dated = ("date", "statusSince", "updatedAt")
    return {k: TilteDate(v).epoch_ns if k in dated and v else v for k, v in row.items()}


def by_order(body: str) -> str:
    message = json.loads(body)
    date = TilteDate(message["event"]["Date"])
    return order_key(date, message["notificationType"], message["eventId"])


@shared_stack
@given(events=subscriber_events, data=st.data())
def test_any_order_and_any_repeats_give_the_in_order_state(
    stack: LocalStack,
    second_copy: Resolver,
    events: list[tuple[str, str, str]],
    data: st.DataObject,
) -> None:
    list_id = f"list-{uuid.uuid4()}"
    bodies = subscriber_bodies(list_id, events)
    # Given the events applied once each, in time order, to the first set of tables
    apply(stack, sorted(bodies, key=by_order), tables_of(stack.resolver))
    # And the same events, some repeated, in any order, to the second
    repeated = bodies + data.draw(st.lists(st.sampled_from(bodies), max_size=6))
    apply(stack, data.draw(st.permutations(repeated)), tables_of(second_copy))

    # Then both hold the same state and the same history
    in_order = ReceiverData(stack.client("dynamodb"), tables_of(stack.resolver))
    shuffled = ReceiverData(stack.client("dynamodb"), tables_of(second_copy))
    expected = in_order.subscriber(list_id, "subscriber-1")
    actual = shuffled.subscriber(list_id, "subscriber-1")
    assert expected is not None
    assert actual is not None
    # One event may arrive with two spellings of its instant ("…Z", "…+02:00"); the first
    # spelling received is kept, so dates compare as instants.
    assert instants(actual) == instants(expected)

    history = shuffled.subscriber_history(list_id, "subscriber-1")
    assert [instants(row) for row in history] == [
        instants(row) for row in in_order.subscriber_history(list_id, "subscriber-1")
    ]
    assert len(history) == len({json.loads(body)["eventId"] for body in bodies})
    # And the status is the latest Subscribe/Unsubscribe's, an Unsubscribe winning a tie
    status_events = [
        (TilteDate(d).epoch_ns, k == "Unsubscribe") for k, d, _ in events if k != "UpdateSubscriber"
    ]
    if status_events:
        assert actual["status"] == ("unsubscribed" if max(status_events)[1] else "subscribed")
    else:
        assert actual["status"] == "unknown"


engagement_events = st.lists(
    st.tuples(
        st.sampled_from(["MessageOpen", "MessageClick", "MessageDelivered", "MessageBounced"]),
        st.sampled_from(["r1", "r2", "r3"]),
        st.sampled_from(["https://a.example", "https://b.example"]),
        st.sampled_from(["S", "H"]),
    ),
    min_size=1,
    max_size=12,
)


@shared_stack
@given(events=engagement_events, data=st.data())
def test_repeated_engagement_events_count_once(
    stack: LocalStack, events: list[tuple[str, str, str, str]], data: st.DataObject
) -> None:
    campaign = uuid.uuid4().hex
    bodies = []
    for index, (kind, recipient, url, bounce) in enumerate(events):
        event: dict[str, Any] = {
            "Email": f"{recipient}@example.com",
            "Date": f"2024-08-07T15:00:{index:02d}.1234567Z",
            "SubscriberId": recipient,
        }
        if kind == "MessageClick":
            event["Url"] = url
        if kind == "MessageBounced":
            event |= {"Type": bounce, "SmtpResponse": "x", "SmtpCode": "550"}
        bodies += body_of(
            {
                "CampaignId": campaign,
                "CampaignName": "C",
                "Events": [event],
                "Random": "r",
                "NotificationType": kind,
            }
        )

    # When every event arrives one to three times, in any order
    repeated = bodies + data.draw(st.lists(st.sampled_from(bodies), max_size=12))
    apply(stack, data.draw(st.permutations(repeated)), tables_of(stack.resolver))

    # Then every counter equals its count over the unique events
    counts = stack.data().campaign(campaign)
    assert counts is not None
    kinds = Counter(kind for kind, *_ in events)
    assert counts["opens"] == kinds["MessageOpen"]
    assert counts["clicks"] == kinds["MessageClick"]
    assert counts["delivered"] == kinds["MessageDelivered"]
    assert counts["bounced"] == kinds["MessageBounced"]
    assert counts["uniqueOpens"] == len({r for k, r, _, _ in events if k == "MessageOpen"})
    assert counts["uniqueClicks"] == len({r for k, r, _, _ in events if k == "MessageClick"})
    assert counts["clicksByUrl"] == dict(
        sorted(Counter(u for k, _, u, _ in events if k == "MessageClick").items())
    )
    assert counts["bouncedByType"] == dict(
        sorted(Counter(b for k, _, _, b in events if k == "MessageBounced").items())
    )
