"""Typed models of Tilte's ten notifications, named and shaped as Tilte documents them.

Python attributes are snake_case; on the wire (XML elements and JSON keys) they use Tilte's
PascalCase names, and ``model_dump(by_alias=True)`` gives those names back. Fields Tilte adds
in future are kept (``extra="allow"``) and travel on with the event, neither dropped nor refused.

:data:`Notification` is the discriminated union of the ten types on ``NotificationType``; it is
the one table of notification types in the code (see :mod:`tilte_webhooks.notification_types`).
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
)
from pydantic.alias_generators import to_pascal
from pydantic_core import PydanticCustomError

from tilte_webhooks.dates import TilteDate
from tilte_webhooks.errors import kind_of, shown


def _count_from_wire(value: object) -> object:
    """Tilte sends numbers as strings (``"SmtpCode": "550"``): accept ASCII digits or an int."""
    if isinstance(value, str):
        digits = value.removeprefix("-")
        if digits.isascii() and digits.isdigit():
            if len(digits) > _MAX_DIGITS:
                raise PydanticCustomError(
                    "tilte_integer", "{shown} is too large", {"shown": shown(value, 30)}
                )
            return int(value)  # a negative count is refused by the bound below, and says so
    elif isinstance(value, int) and not isinstance(value, bool):
        return value
    what = shown(value) if isinstance(value, str | float) else kind_of(value)
    raise PydanticCustomError("tilte_integer", "{what} is not a whole number", {"what": what})


_MAX_DIGITS = 18
Count = Annotated[int, Field(ge=0, lt=10**_MAX_DIGITS), BeforeValidator(_count_from_wire)]
"""A non-negative integer that Tilte may send as a string of digits."""

MAX_IDENTIFIER_BYTES = 900
"""The longest identifier, in UTF-8 bytes, that every key it is part of can hold: DynamoDB
keys take at most 1,024 bytes (sort keys and index keys) and 2,048 (partition keys), and an
identifier shares a key with up to 70 bytes of date, event id and separators, or with
another identifier (docs/DATA_MODEL.md)."""


def _fits_in_a_key(value: str) -> str:
    size = len(value.encode("utf-8", "surrogatepass"))
    if size > MAX_IDENTIFIER_BYTES:
        raise PydanticCustomError(
            "tilte_identifier",
            "is {size} bytes long in UTF-8, over the limit of {limit}",
            {"size": size, "limit": MAX_IDENTIFIER_BYTES},
        )
    return value


Identifier = Annotated[
    str,
    StringConstraints(min_length=1, max_length=MAX_IDENTIFIER_BYTES),
    AfterValidator(_fits_in_a_key),
]
"""An opaque identifier (list, campaign, subscriber): any non-empty string of at most
:data:`MAX_IDENTIFIER_BYTES` bytes, kept verbatim."""

EmailAddress = Annotated[str, StringConstraints(max_length=320, pattern=r"^[^\s@]+@[^\s@]+$")]
"""An address as Tilte sent it (case kept): one ``@``, no whitespace; unicode is allowed."""


class TilteModel(BaseModel):
    """Base of every model of Tilte's payloads."""

    model_config = ConfigDict(
        alias_generator=to_pascal,
        populate_by_name=True,
        extra="allow",
        frozen=True,
        use_attribute_docstrings=True,
        field_title_generator=lambda name, field: field.alias or name,
        defer_build=True,
    )


# --- Events: one per element of a notification's ``Events`` batch ------------------------


class AddressEvent(TilteModel):
    email: EmailAddress
    """The recipient's address, as Tilte sent it."""
    date: TilteDate
    """When it happened, exactly as Tilte sent it."""


class SubscriberEvent(AddressEvent):
    subscriber_id: Identifier
    """Tilte's id of the subscriber; stable when the email changes."""


class SubscribedEvent(SubscriberEvent):
    pass


class UpdatedSubscriberEvent(SubscriberEvent):
    pass


class UnsubscribedEvent(SubscriberEvent):
    pass


class SuppressedEvent(AddressEvent):
    pass


class MessageOpenEvent(SubscriberEvent):
    pass


class MessageClickEvent(SubscriberEvent):
    url: Annotated[str, StringConstraints(min_length=1)]
    """The link that was clicked, verbatim."""


class MessageDeliveredEvent(SubscriberEvent):
    pass


class MessageBouncedEvent(SubscriberEvent):
    bounce_type: Annotated[str, StringConstraints(min_length=1)] = Field(alias="Type")
    """Tilte's bounce code (``S`` in the sample), kept raw."""
    smtp_response: str | None = None
    """The receiving server's reply text, when there was one."""
    smtp_code: Count | None = None
    """The receiving server's reply code (``550``), when there was one."""


# --- Single events: the campaign notifications carry one event in their own fields -------


class CampaignSentEvent(TilteModel):
    date: TilteDate
    """When the campaign was sent, exactly as Tilte sent it."""
    recipient_count: Count
    """How many recipients the campaign went to."""


class CampaignStatsEvent(TilteModel):
    date: TilteDate
    """When the campaign's statistics changed, exactly as Tilte sent it."""


# --- Contexts: what a notification says about all of its events ---------------------------


class ListContext(TilteModel):
    KEY_FIELDS: ClassVar[tuple[str, ...]] = ("list_id",)
    """The fields that identify the context; names are descriptive and may change."""

    list_id: Identifier
    """Tilte's id of the list."""
    list_name: str
    """The list's name at the time of the notification."""


class CampaignContext(TilteModel):
    KEY_FIELDS: ClassVar[tuple[str, ...]] = ("campaign_id",)

    campaign_id: Identifier
    """Tilte's id of the campaign."""
    campaign_name: str
    """The campaign's name at the time of the notification."""


class NoContext(TilteModel):
    KEY_FIELDS: ClassVar[tuple[str, ...]] = ()


# --- Notifications -------------------------------------------------------------------------


class NotificationBase(TilteModel):
    """Fields and behaviour shared by the ten notifications.

    Each concrete class names its XML root element (``XML_ROOT``), the model of the context
    its events share (``CONTEXT``) and the model of one event (``EVENT``).
    """

    XML_ROOT: ClassVar[str]
    CONTEXT: ClassVar[type[ListContext | CampaignContext | NoContext]]
    EVENT: ClassVar[type[TilteModel]]

    random: Identifier
    """A nonce, one per notification (two notifications of different types may share one)."""

    def context(self) -> dict[str, Any]:
        """The context of every event, under Tilte's names, with unknown notification fields."""
        return self.model_dump(by_alias=True, include=set(self.CONTEXT.model_fields)) | dict(
            self.model_extra or {}
        )


class BatchNotification(NotificationBase):
    """A notification carrying a batch (``Events``) of one to very many events."""

    events: tuple[TilteModel, ...]


class SingleEventNotification(NotificationBase):
    """A notification whose own fields (``Date``, ...) are its one event."""


class SubscribedNotification(BatchNotification, ListContext):
    XML_ROOT = "SubscribedNotification"
    CONTEXT = ListContext
    EVENT = SubscribedEvent
    notification_type: Literal["Subscribe"]
    events: tuple[SubscribedEvent, ...]


class UpdatedSubscriberNotification(BatchNotification, ListContext):
    XML_ROOT = "UpdatedSubscriberNotification"
    CONTEXT = ListContext
    EVENT = UpdatedSubscriberEvent
    notification_type: Literal["UpdateSubscriber"]
    events: tuple[UpdatedSubscriberEvent, ...]


class UnsubscribedNotification(BatchNotification, ListContext):
    XML_ROOT = "UnsubscribedNotification"
    CONTEXT = ListContext
    EVENT = UnsubscribedEvent
    notification_type: Literal["Unsubscribe"]
    events: tuple[UnsubscribedEvent, ...]


class SuppressedNotification(BatchNotification, NoContext):
    XML_ROOT = "SuppressedNotification"
    CONTEXT = NoContext
    EVENT = SuppressedEvent
    notification_type: Literal["AddressSuppress"]
    events: tuple[SuppressedEvent, ...]


class MessageOpenNotification(BatchNotification, CampaignContext):
    XML_ROOT = "MessageOpenNotification"
    CONTEXT = CampaignContext
    EVENT = MessageOpenEvent
    notification_type: Literal["MessageOpen"]
    events: tuple[MessageOpenEvent, ...]


class MessageClickNotification(BatchNotification, CampaignContext):
    XML_ROOT = "MessageClickNotification"
    CONTEXT = CampaignContext
    EVENT = MessageClickEvent
    notification_type: Literal["MessageClick"]
    events: tuple[MessageClickEvent, ...]


class MessageDeliveredNotification(BatchNotification, CampaignContext):
    XML_ROOT = "MessageDeliveredNotification"
    CONTEXT = CampaignContext
    EVENT = MessageDeliveredEvent
    notification_type: Literal["MessageDelivered"]
    events: tuple[MessageDeliveredEvent, ...]


class MessageBouncedNotification(BatchNotification, CampaignContext):
    XML_ROOT = "MessageBouncedNotification"
    CONTEXT = CampaignContext
    EVENT = MessageBouncedEvent
    notification_type: Literal["MessageBounced"]
    events: tuple[MessageBouncedEvent, ...]


class CampaignSentNotification(SingleEventNotification, CampaignContext, CampaignSentEvent):
    XML_ROOT = "CampaignSentNotification"
    CONTEXT = CampaignContext
    EVENT = CampaignSentEvent
    notification_type: Literal["CampaignSent"]


class CampaignStatsNotification(SingleEventNotification, CampaignContext, CampaignStatsEvent):
    XML_ROOT = "CampaignStatsNotification"
    CONTEXT = CampaignContext
    EVENT = CampaignStatsEvent
    notification_type: Literal["CampaignStatsUpdated"]


Notification = Annotated[
    SubscribedNotification
    | UpdatedSubscriberNotification
    | UnsubscribedNotification
    | SuppressedNotification
    | MessageOpenNotification
    | MessageClickNotification
    | MessageDeliveredNotification
    | MessageBouncedNotification
    | CampaignSentNotification
    | CampaignStatsNotification,
    Field(discriminator="notification_type"),
]
"""Any Tilte notification, told apart by its ``NotificationType``."""
