"""The metrics an ingest answer and a consumer batch count, exactly."""

from __future__ import annotations

from tilte_webhooks.event_outcomes import EventOutcome
from tilte_webhooks.ingest import IngestOutcome
from tilte_webhooks.metric_counts import (
    Counts,
    Metric,
    consumer_counts,
    ingest_counts,
    ingest_error_counts,
)


def test_a_queued_notification_counts_by_type_and_in_total():
    # Given a Subscribe answered 202 with its three events queued
    outcome = IngestOutcome(
        202,
        {"notificationType": "Subscribe", "queued": 3},
        notification_type="Subscribe",
        events=3,
        queued=3,
    )

    # Then it is one notification received and three events queued, by type and in total
    assert ingest_counts(outcome) == Counts(
        {Metric.NOTIFICATIONS_RECEIVED: 1, Metric.EVENTS_QUEUED: 3},
        ("NotificationType", "Subscribe"),
        with_totals=True,
    )


def test_a_rejected_payload_counts_by_reason_and_as_quarantined_when_kept():
    # Given an invalid payload kept in quarantine, and a wrong token (nothing kept)
    invalid = IngestOutcome(
        400, {}, rejection="invalid_fields", quarantine_key="rejected/2026/12/03/x.json"
    )
    stranger = IngestOutcome(401, {}, rejection="unauthorized")

    # Then both are rejections by reason, and only the kept one is quarantined
    assert ingest_counts(invalid) == Counts(
        {Metric.NOTIFICATIONS_REJECTED: 1, Metric.NOTIFICATIONS_QUARANTINED: 1},
        ("Reason", "invalid_fields"),
        with_totals=True,
    )
    assert ingest_counts(stranger) == Counts(
        {Metric.NOTIFICATIONS_REJECTED: 1}, ("Reason", "unauthorized"), with_totals=True
    )


def test_an_unknown_type_kept_for_replay_is_a_quarantined_rejection_not_a_receipt():
    # Given a notification of a type this version does not know, answered 202 and kept
    outcome = IngestOutcome(
        202,
        {"notificationType": "Resubscribe", "queued": 0, "quarantined": True},
        notification_type="Resubscribe",
        rejection="unknown_notification_type",
        quarantine_key="unknown-type/Resubscribe/2026/12/03/x.json",
    )

    # Then it counts under its reason, so that the quarantine alarm sees it
    assert ingest_counts(outcome) == Counts(
        {Metric.NOTIFICATIONS_REJECTED: 1, Metric.NOTIFICATIONS_QUARANTINED: 1},
        ("Reason", "unknown_notification_type"),
        with_totals=True,
    )


def test_a_queue_failure_is_a_rejection_by_its_code():
    # Given a 503 because 3 of 10 events could not be queued
    outcome = IngestOutcome(
        503,
        {},
        notification_type="MessageOpen",
        events=10,
        queued=7,
        rejection="queue_unavailable",
    )

    # Then it is not counted as received, but as rejected for queue_unavailable
    assert ingest_counts(outcome) == Counts(
        {Metric.NOTIFICATIONS_REJECTED: 1}, ("Reason", "queue_unavailable"), with_totals=True
    )


def test_a_bug_counts_as_an_ingest_error_without_breakdown():
    assert ingest_error_counts() == Counts({Metric.INGEST_ERRORS: 1})


def test_a_batch_counts_each_outcome_and_its_failures_by_type_leaving_out_zeros():
    # Given a batch of Subscribe events: 3 applied, 2 repeats, 1 late, 1 failed record
    outcomes = [EventOutcome.APPLIED] * 3 + [EventOutcome.DUPLICATE] * 2
    outcomes.append(EventOutcome.OUT_OF_ORDER)

    # When it is counted
    counts = consumer_counts("Subscribe", outcomes, failed=1)

    # Then each outcome has its metric, under the type only (no totals), zeros left out
    assert counts == Counts(
        {
            Metric.EVENTS_APPLIED: 3,
            Metric.DUPLICATES_SKIPPED: 2,
            Metric.OUT_OF_ORDER_IGNORED: 1,
            Metric.EVENTS_FAILED: 1,
        },
        ("NotificationType", "Subscribe"),
    )
    assert consumer_counts(
        "AddressSuppress", [EventOutcome.DUPLICATE_OR_OLDER], failed=0
    ) == Counts({Metric.DUPLICATE_OR_OLDER_SKIPPED: 1}, ("NotificationType", "AddressSuppress"))
