"""Benchmarks of speed and cost: ``make bench`` (``python -m bench``) writes docs/PERFORMANCE.md.

Four benchmarks, each a module with ``run(..., quick=...) -> Section``:

- :mod:`bench.ingest_compute`: parsing, validating and fanning out notifications of 1 to
  10,000 events, against a bare ``json.loads`` or defusedxml parse of the same bytes;
- :mod:`bench.cold_start`: importing each function's handler in a fresh process, against
  ``import boto3``;
- :mod:`bench.latency`: time to a 202 from the local stack, by size, sequential and
  concurrent, and the ingest's peak memory for the largest body;
- :mod:`bench.cost`: AWS requests, Lambda time and DynamoDB units per event, in dollars per
  million events, against a naive design run over the same workload.

The machines are shared and noisy, so every figure is a median of repeats, and every
comparison is made in the same run, side by side (interleaved where it can be). ``make test``
runs each in its quick form (``tests/bench/``), which checks that it runs, never how fast.
"""
