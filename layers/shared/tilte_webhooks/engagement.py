"""Campaign engagement: deliveries, bounces, opens and clicks, counted exactly once.

Table layout (``CampaignsTable``, keys ``pk``/``sk``, ``pk=CAMPAIGN#<CampaignId>``):

- ``EVENT#<SubscriberId>#<instant>#<eventId>``: one record per event; a recipient's events
  in a campaign sort in time order, and the ``ByRecipient`` index (``recipient``,
  ``recipientOrder``) gives one recipient's events across campaigns.
- ``COUNTERS#<shard>``: ``delivered``, ``bounced``, ``opens``, ``uniqueOpens``, ``clicks``,
  ``uniqueClicks``; spread over 16 shards (by event id) so that a campaign sent to a million
  recipients does not make one item hot; a reader sums the shards.
- ``BOUNCE#<hash of Type>#<shard>`` (``bounceType``, ``count``) and ``URL#<hash of Url>#<shard>``
  (``url``, ``clicks``): bounces by type and clicks by link.
- ``OPENED#<SubscriberId>``, ``CLICKED#<SubscriberId>``: markers that make unique counts count
  each recipient once per campaign.

Each event is one transaction: its record, written only if absent, and the counters it adds
to. A repeat finds the record and changes nothing, so no retry can count twice. A first open
(or click) also writes the recipient's marker and adds to the unique count; when the marker
exists, the transaction is redone without them.
"""

from __future__ import annotations

import hashlib
from typing import Any

from tilte_webhooks.messages import MessageEnvelope
from tilte_webhooks.models import (
    CampaignContext,
    MessageBouncedEvent,
    MessageClickEvent,
    SubscriberEvent,
)
from tilte_webhooks.writes import Plan, Put, Step, Write, update

COUNTER_SHARDS = 16
COUNTERS = {
    "MessageDelivered": "delivered",
    "MessageBounced": "bounced",
    "MessageOpen": "opens",
    "MessageClick": "clicks",
}
UNIQUE = {"MessageOpen": ("OPENED", "uniqueOpens"), "MessageClick": ("CLICKED", "uniqueClicks")}


def campaign_pk(campaign_id: str) -> str:
    return f"CAMPAIGN#{campaign_id}"


def shard_of(event_id: str) -> int:
    return int(event_id[:8], 16) % COUNTER_SHARDS


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def plan(message: MessageEnvelope[Any, Any], table: str) -> Plan:
    context: CampaignContext = message.context
    event: SubscriberEvent = message.event
    kind = message.notification_type
    pk = campaign_pk(context.campaign_id)
    shard = f"{shard_of(message.event_id):02d}"
    record = Put(table, _record(message, pk), condition="attribute_not_exists(pk)")
    counted: dict[str, int] = {COUNTERS[kind]: 1}
    extra: list[Write] = []
    if isinstance(event, MessageBouncedEvent):
        extra.append(
            update(
                table,
                {"pk": pk, "sk": f"BOUNCE#{digest(event.bounce_type)}#{shard}"},
                set_={"campaignId": context.campaign_id, "bounceType": event.bounce_type},
                add={"count": 1},
            )
        )
    if isinstance(event, MessageClickEvent):
        extra.append(
            update(
                table,
                {"pk": pk, "sk": f"URL#{digest(event.url)}#{shard}"},
                set_={"campaignId": context.campaign_id, "url": event.url},
                add={"clicks": 1},
            )
        )

    def counters(add: dict[str, int]) -> Write:
        return update(
            table,
            {"pk": pk, "sk": f"COUNTERS#{shard}"},
            set_={"campaignId": context.campaign_id, "campaignName": context.campaign_name},
            add=add,
        )

    if kind not in UNIQUE:
        step = Step((record, counters(counted), *extra), "engagement")
        return Plan(message.event_id, (step,))
    marker_prefix, unique_counter = UNIQUE[kind]
    marker = Put(
        table,
        {"pk": pk, "sk": f"{marker_prefix}#{event.subscriber_id}", "eventId": message.event_id},
        condition="attribute_not_exists(pk)",
    )
    repeat = Step((record, counters(counted), *extra), "engagement")
    first = Step(
        (record, marker, counters(counted | {unique_counter: 1}), *extra),
        "engagement",
        fallback=(repeat,),
        fallback_when=1,
    )
    return Plan(message.event_id, (first,))


def _record(message: MessageEnvelope[Any, Any], pk: str) -> dict[str, Any]:
    event: SubscriberEvent = message.event
    context: CampaignContext = message.context
    record: dict[str, Any] = {
        "pk": pk,
        "sk": f"EVENT#{event.subscriber_id}#{event.date.utc_iso}#{message.event_id}",
        "campaignId": context.campaign_id,
        "subscriberId": event.subscriber_id,
        "eventId": message.event_id,
        "type": message.notification_type,
        "email": event.email,
        "date": event.date.raw,
        "recipient": event.subscriber_id,
        "recipientOrder": f"{event.date.utc_iso}#{context.campaign_id}#{message.event_id}",
    }
    if isinstance(event, MessageClickEvent):
        record["url"] = event.url
    if isinstance(event, MessageBouncedEvent):
        record |= {"bounceType": event.bounce_type}
        if event.smtp_response is not None:
            record["smtpResponse"] = event.smtp_response
        if event.smtp_code is not None:
            record["smtpCode"] = event.smtp_code
    return record
