"""Subscribers per list: Subscribe, UpdateSubscriber and Unsubscribe become state and history.

Table layout (``SubscribersTable``, keys ``pk``/``sk``):

- state: ``pk=LIST#<ListId>#SUBSCRIBER#<SubscriberId>``, ``sk=STATE``;
- history: same ``pk``, ``sk=EVENT#<instant>#<eventId>``, one item per event ever received
  (without ``listId``/``subscriberId``, so the indexes below hold state items only);
- indexes ``ByList`` (``listId``, ``subscriberId``) and ``BySubscriber`` (``subscriberId``,
  ``listId``) on the state items: a list's subscribers, a subscriber's lists.

The state holds two registers, each set only by an event that orders after the one that set it
(:mod:`ordering`), so the result does not depend on arrival order or repeats. A Subscribe or
Unsubscribe newer than both (the usual case) sets them in one write, and else tries each:

- the *status* (``subscribed``/``unsubscribed``, ``statusSince``): from the latest Subscribe or
  Unsubscribe; an UpdateSubscriber does not change it ("unknown" until one of them arrives);
- the *profile* (``email``, ``updatedAt``, ``lastEventType``, ``listName``): from the latest
  event of the three.

A subscriber is keyed by ``SubscriberId``, since the email can change. Every event is also kept
as history, older ones arriving late included.
"""

from __future__ import annotations

from typing import Any

from tilte_webhooks.messages import MessageEnvelope
from tilte_webhooks.models import ListContext, SubscriberEvent
from tilte_webhooks.ordering import order_key
from tilte_webhooks.writes import Plan, Put, Step, newer_than, update

STATUS = {"Subscribe": "subscribed", "Unsubscribe": "unsubscribed"}


def state_key(list_id: str, subscriber_id: str) -> dict[str, str]:
    return {"pk": f"LIST#{list_id}#SUBSCRIBER#{subscriber_id}", "sk": "STATE"}


def plan(message: MessageEnvelope[Any, Any], table: str) -> Plan:
    context: ListContext = message.context
    event: SubscriberEvent = message.event
    kind = message.notification_type
    key = state_key(context.list_id, event.subscriber_id)
    order = order_key(event.date, kind, message.event_id)
    identity = {"listId": context.list_id, "subscriberId": event.subscriber_id}
    history = Put(
        table,
        {
            "pk": key["pk"],
            "sk": f"EVENT#{event.date.utc_iso}#{message.event_id}",
            "eventId": message.event_id,
            "type": kind,
            "email": event.email,
            "date": event.date.raw,
        },
        condition="attribute_not_exists(pk)",
    )
    steps = [Step((history,), "history")]
    profile_fields = {
        "email": event.email,
        "listName": context.list_name,
        "updatedAt": event.date.raw,
        "lastEventType": kind,
        "profileKey": order,
    }
    profile = update(
        table,
        key,
        set_={**identity, **profile_fields},
        condition=newer_than("profileKey"),
        condition_values={":profileKey": order},
    )
    if kind not in STATUS:
        return Plan(message.event_id, (*steps, Step((profile,), "profile")))
    status_fields = {"status": STATUS[kind], "statusSince": event.date.raw, "statusKey": order}
    status = update(
        table,
        key,
        set_={**identity, **status_fields},
        condition=newer_than("statusKey"),
        condition_values={":statusKey": order},
    )
    # Usually the event is newer than both registers: one write sets them. When either holds
    # a later event, each is tried on its own, since the event may still be newer than the
    # other.
    both = update(
        table,
        key,
        set_={**identity, **status_fields, **profile_fields},
        condition=f"({newer_than('statusKey')}) AND ({newer_than('profileKey')})",
        condition_values={":statusKey": order, ":profileKey": order},
    )
    fallback = (Step((status,), "status"), Step((profile,), "profile"))
    return Plan(message.event_id, (*steps, Step((both,), "state", fallback=fallback)))
