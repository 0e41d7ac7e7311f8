"""Smoke tests: each benchmark of ``make bench`` runs in its quick form and produces its
tables, and the report renders. They check that the benchmarks still work; they assert no
timing (the figures of a quick run mean nothing)."""

from __future__ import annotations

from bench import cold_start, cost, ingest_compute, latency
from bench.__main__ import render
from bench.report import Section
from reliability.stack import Target


def captions(section: Section) -> list[str]:
    return [table.caption for table in section.tables]


def test_ingest_compute_measures_both_formats_and_where_the_time_goes() -> None:
    section = ingest_compute.run(quick=True)

    main, by_type, *_ = section.tables
    assert {row[0] for row in main.rows} == {"JSON", "XML"}
    assert len(by_type.rows) == 8
    assert any("Where the time goes: XML" in caption for caption in captions(section))
    assert any("Profile" in caption for caption in captions(section))
    assert [target.met for target in section.targets] == [None, None]  # not judged when quick


def test_cold_start_imports_each_handler_against_boto3() -> None:
    section = cold_start.run(quick=True)

    imports, builds, shipped, beyond = section.tables
    assert [row[0] for row in imports.rows] == [
        "`import boto3`",
        "`import ingest_handler`",
        "`import consumer_handler`",
    ]
    assert len(builds.rows) == 2
    assert [row[0].split(" (")[0] for row in shipped.rows] == [
        "without bytecode",
        "with bytecode",
        "saved at each cold start",
    ]
    groups = [row[0] for row in beyond.rows]
    assert {"pydantic", "Powertools", "`tilte_webhooks.models`"} <= set(groups)
    assert groups[-1] == "**in all, beyond boto3**"
    assert len(section.targets) == 2


def test_latency_posts_every_size_and_measures_the_largest_body(purgeable_stack: Target) -> None:
    section = latency.run(purgeable_stack, quick=True)

    to_202, queueing, memory = section.tables
    assert len(to_202.rows) == 4
    assert [row[0] for row in queueing.rows] == ["moto", "SQS model (10 ms a call)"]
    assert memory.caption.endswith("(answer 202)")


def test_cost_counts_both_designs_and_they_leave_the_same_data(stack: Target) -> None:
    section = cost.run(stack, quick=True)

    per_event, dollars, writes, prices = section.tables
    assert len(per_event.rows) == 14
    assert dollars.rows[-1][0] == "**Total**"
    assert len(writes.rows) == 10
    assert len(prices.rows) == 6
    judged = {target.goal: target for target in section.targets}
    # Counts, not times: the design's batching and the naive design's equal data are facts.
    assert judged["SQS send requests per event at most 0.1 plus one per notification"].met
    assert judged["both designs leave the same DynamoDB state"].met

    report = render([section], quick=True, seconds=1.0)
    assert report.startswith("# Performance and cost")
    assert "## 4. Requests and cost per million events" in report
