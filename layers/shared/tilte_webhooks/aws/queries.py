"""Reading the data back: the answers to the questions of docs/DATA_MODEL.md.

``tilte-webhooks show`` and the tests use these same functions, so what a test checks is
what a user sees.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from typing import Any

from tilte_webhooks.campaigns import summary_key
from tilte_webhooks.engagement import campaign_pk
from tilte_webhooks.subscribers import state_key
from tilte_webhooks.suppressions import suppression_key
from tilte_webhooks.writes import item_from_dynamo, to_dynamo

COUNTER_NAMES = ("delivered", "bounced", "opens", "uniqueOpens", "clicks", "uniqueClicks")


class ReceiverData:
    """Queries over the three tables, named by domain in ``tables``."""

    def __init__(self, client: Any, tables: Mapping[str, str]) -> None:
        self._client = client
        self._tables = tables

    # --- Subscribers ---------------------------------------------------------------------

    def subscriber(self, list_id: str, subscriber_id: str) -> dict[str, Any] | None:
        """Question 1: the subscriber's state on a list, or None if never seen."""
        item = self._get("subscribers", state_key(list_id, subscriber_id))
        if item is None:
            return None
        return {
            "listId": list_id,
            "subscriberId": subscriber_id,
            "status": item.get("status", "unknown"),
            "statusSince": item.get("statusSince"),
            "email": item.get("email"),
            "listName": item.get("listName"),
            "updatedAt": item.get("updatedAt"),
            "lastEventType": item.get("lastEventType"),
        }

    def subscriber_history(self, list_id: str, subscriber_id: str) -> list[dict[str, Any]]:
        """Every event received for the subscriber on the list, in time order."""
        pk = state_key(list_id, subscriber_id)["pk"]
        return [
            {key: item[key] for key in ("type", "date", "email", "eventId")}
            for item in self._query("subscribers", pk=pk, sk_prefix="EVENT#")
        ]

    def list_subscribers(
        self, list_id: str, *, subscribed_only: bool = False
    ) -> Iterator[dict[str, Any]]:
        """Question 2: a list's subscribers, in subscriber id order, read page by page."""
        for item in self._query("subscribers", index="ByList", hash_name="listId", pk=list_id):
            if not subscribed_only or item.get("status") == "subscribed":
                yield _subscriber_row(item)

    def subscriber_lists(self, subscriber_id: str) -> list[dict[str, Any]]:
        """Question 3: the lists a subscriber is on (or was), with the status on each."""
        return [
            _subscriber_row(item)
            for item in self._query(
                "subscribers", index="BySubscriber", hash_name="subscriberId", pk=subscriber_id
            )
        ]

    # --- Suppressions ----------------------------------------------------------------------

    def suppression(self, email: str) -> dict[str, Any]:
        """Question 4: whether an address is suppressed (any case), and since when."""
        item = self._get("suppressions", suppression_key(email))
        if item is None:
            return {"email": email, "suppressed": False, "since": None}
        return {"email": email, "suppressed": bool(item.get("suppressed")), "since": item["since"]}

    # --- Campaigns -------------------------------------------------------------------------

    def campaign(self, campaign_id: str) -> dict[str, Any] | None:
        """Question 5: a campaign's summary and every count, or None if never seen."""
        pk = campaign_pk(campaign_id)
        summary = self._get("campaigns", summary_key(campaign_id)) or {}
        shards = list(self._query("campaigns", pk=pk, sk_prefix="COUNTERS#"))
        if not summary and not shards:
            return None
        counts: Counter[str] = Counter()
        for shard in shards:
            counts.update({name: shard.get(name, 0) for name in COUNTER_NAMES})
        bounces: Counter[str] = Counter()
        for item in self._query("campaigns", pk=pk, sk_prefix="BOUNCE#"):
            bounces[item["bounceType"]] += item.get("count", 0)
        clicks: Counter[str] = Counter()
        for item in self._query("campaigns", pk=pk, sk_prefix="URL#"):
            clicks[item["url"]] += item.get("clicks", 0)
        names = [shard["campaignName"] for shard in shards if "campaignName" in shard]
        return {
            "campaignId": campaign_id,
            "name": summary.get("name", names[0] if names else None),
            "sentAt": summary.get("sentAt"),
            "recipientCount": summary.get("recipientCount"),
            "statsUpdatedAt": summary.get("statsUpdatedAt"),
            **{name: counts[name] for name in COUNTER_NAMES},
            "bouncedByType": dict(sorted(bounces.items())),
            "clicksByUrl": dict(sorted(clicks.items())),
        }

    def campaign_events(
        self, campaign_id: str, subscriber_id: str | None = None
    ) -> list[dict[str, Any]]:
        """Question 6: a campaign's events, recipient by recipient, each in time order."""
        prefix = "EVENT#" if subscriber_id is None else f"EVENT#{subscriber_id}#"
        return [
            _event_row(item)
            for item in self._query("campaigns", pk=campaign_pk(campaign_id), sk_prefix=prefix)
        ]

    def recipient_engagement(self, subscriber_id: str) -> list[dict[str, Any]]:
        """Question 7: a recipient's events across campaigns, in time order."""
        return [
            _event_row(item)
            for item in self._query(
                "campaigns", index="ByRecipient", hash_name="recipient", pk=subscriber_id
            )
        ]

    # --- Plumbing --------------------------------------------------------------------------

    def _get(self, domain: str, key: Mapping[str, str]) -> dict[str, Any] | None:
        response = self._client.get_item(
            TableName=self._tables[domain],
            Key={name: to_dynamo(value) for name, value in key.items()},
            ConsistentRead=True,
        )
        item = response.get("Item")
        return item_from_dynamo(item) if item else None

    def _query(
        self,
        domain: str,
        *,
        pk: str,
        sk_prefix: str | None = None,
        index: str | None = None,
        hash_name: str = "pk",
    ) -> Iterator[dict[str, Any]]:
        request: dict[str, Any] = {
            "TableName": self._tables[domain],
            "KeyConditionExpression": "#h = :h" + (" AND begins_with(#s, :s)" if sk_prefix else ""),
            "ExpressionAttributeNames": {"#h": hash_name, **({"#s": "sk"} if sk_prefix else {})},
            "ExpressionAttributeValues": {
                ":h": {"S": pk},
                **({":s": {"S": sk_prefix}} if sk_prefix else {}),
            },
        }
        if index:
            request["IndexName"] = index
        while True:
            response = self._client.query(**request)
            yield from (item_from_dynamo(item) for item in response.get("Items", []))
            if "LastEvaluatedKey" not in response:
                return
            request["ExclusiveStartKey"] = response["LastEvaluatedKey"]


def _subscriber_row(item: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "listId": item["listId"],
        "subscriberId": item["subscriberId"],
        "status": item.get("status", "unknown"),
        "statusSince": item.get("statusSince"),
        "email": item.get("email"),
        "listName": item.get("listName"),
        "updatedAt": item.get("updatedAt"),
    }


def _event_row(item: Mapping[str, Any]) -> dict[str, Any]:
    row = {key: item[key] for key in ("campaignId", "subscriberId", "type", "date", "email")}
    for optional in ("url", "bounceType", "smtpResponse", "smtpCode"):
        if optional in item:
            row[optional] = item[optional]
    return row
