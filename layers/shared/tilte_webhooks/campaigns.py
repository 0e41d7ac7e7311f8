"""Campaigns: CampaignSent and CampaignStatsUpdated become the campaign's summary.

``CampaignsTable`` item ``pk=CAMPAIGN#<CampaignId>``, ``sk=SUMMARY``: ``name``, ``sentAt``,
``recipientCount`` (from the latest CampaignSent) and ``statsUpdatedAt`` (from the latest
CampaignStatsUpdated). Each is a register set only by an event that orders after the one that
set it, so repeats and late arrivals change nothing. Counts of engagement live beside it
(see :mod:`engagement`).
"""

from __future__ import annotations

from typing import Any

from tilte_webhooks.engagement import campaign_pk
from tilte_webhooks.messages import MessageEnvelope
from tilte_webhooks.models import CampaignContext
from tilte_webhooks.ordering import order_key
from tilte_webhooks.writes import Plan, Step, newer_than, update


def summary_key(campaign_id: str) -> dict[str, str]:
    return {"pk": campaign_pk(campaign_id), "sk": "SUMMARY"}


def plan(message: MessageEnvelope[Any, Any], table: str) -> Plan:
    context: CampaignContext = message.context
    event = message.event
    order = order_key(event.date, message.notification_type, message.event_id)
    key = summary_key(context.campaign_id)
    if message.notification_type == "CampaignSent":
        write = update(
            table,
            key,
            set_={
                "campaignId": context.campaign_id,
                "name": context.campaign_name,
                "sentAt": event.date.raw,
                "recipientCount": event.recipient_count,
                "sentKey": order,
            },
            condition=newer_than("sentKey"),
            condition_values={":sentKey": order},
        )
        return Plan(message.event_id, (Step((write,), "sent"),))
    write = update(
        table,
        key,
        set_={
            "campaignId": context.campaign_id,
            "statsUpdatedAt": event.date.raw,
            "statsKey": order,
        },
        set_if_absent={"name": context.campaign_name},
        condition=newer_than("statsKey"),
        condition_values={":statsKey": order},
    )
    return Plan(message.event_id, (Step((write,), "stats"),))
