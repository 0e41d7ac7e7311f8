"""Lookup tables of the notification types, all derived from the union in :mod:`models`.

Adding an eleventh type means adding its model to :data:`tilte_webhooks.models.Notification`
(plus its queue in ``template.yaml``); everything here follows from that one table.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import get_args

from tilte_webhooks.models import Notification, NotificationBase


def _type_name(model: type[NotificationBase]) -> str:
    (name,) = get_args(model.model_fields["notification_type"].annotation)
    return str(name)


NOTIFICATION_MODELS: tuple[type[NotificationBase], ...] = get_args(get_args(Notification)[0])
"""The model of every notification type, in the order Tilte's documentation lists them."""

MODEL_BY_TYPE: Mapping[str, type[NotificationBase]] = MappingProxyType(
    {_type_name(model): model for model in NOTIFICATION_MODELS}
)
"""``NotificationType`` value -> model class."""

NOTIFICATION_TYPES: tuple[str, ...] = tuple(MODEL_BY_TYPE)
"""Every ``NotificationType`` value, in documentation order."""
