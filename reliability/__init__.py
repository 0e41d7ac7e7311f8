"""Reliability scenarios: hostile input, duplicates and reordering under load, and faults.

Each scenario module has ``scenario(target, *, quick) -> Finding``: it drives a local stack
(:mod:`reliability.stack`), measures, and says whether the guarantee held. ``make
reliability`` (``python -m reliability``) runs them all at full size and writes
docs/RELIABILITY.md; ``make test`` runs each in its quick form.
"""
