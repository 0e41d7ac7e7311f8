"""What the twenty seed payloads (events/payloads/, each sample as XML and as JSON) leave in
the tables: the end-to-end suites check a local and a deployed stack against the same data."""

from __future__ import annotations

from typing import Any

LIST = "4dbce53b396949c88068ba652aa1c5a7"
CAMPAIGN_11A = "aa4c33c978ed429c9cac265c4915d621"
CAMPAIGN_12A = "90726d92332c4b9fbaf3cbd8ff0bd221"
MACHETQECC = "kjhvkf.machetqecc@striata.com"

CAMPAIGN_11A_DATA: dict[str, Any] = {
    "campaignId": CAMPAIGN_11A,
    "name": "TestCampaign11a",
    "sentAt": None,
    "recipientCount": None,
    "statsUpdatedAt": None,
    "delivered": 0,
    "bounced": 0,
    # The XML and JSON samples share every event except two opens' and two clicks' dates
    "opens": 3,
    "uniqueOpens": 2,
    "clicks": 4,
    "uniqueClicks": 2,
    "bouncedByType": {},
    "clicksByUrl": {"https://www.google.com": 2, "https://www.mail.com": 2},
}
CAMPAIGN_12A_DATA: dict[str, Any] = {
    "campaignId": CAMPAIGN_12A,
    "name": "TestCampaign12a",
    "sentAt": "2024-08-07T15:48:37.3343743Z",
    "recipientCount": 2,
    "statsUpdatedAt": "2024-08-07T15:49:05.5711434Z",
    "delivered": 1,
    "bounced": 1,
    "opens": 0,
    "uniqueOpens": 0,
    "clicks": 0,
    "uniqueClicks": 0,
    "bouncedByType": {"S": 1},
    "clicksByUrl": {},
}
LIST_SUBSCRIBERS = [
    ("alwskd.myemail@mail.com", "subscribed"),
    (MACHETQECC, "unsubscribed"),
    ("kjhvkf.myemail@mail.com", "subscribed"),
    ("ksdjh.myemail@mail.com", "subscribed"),
]
"""(subscriberId, status) of the list's subscribers, in the order ``ByList`` gives them."""
