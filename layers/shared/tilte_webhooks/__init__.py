"""Code shared by the Tilte webhook receiver's Lambda functions (deployed as a layer).

- :mod:`parser`: request body -> typed notification (:func:`parser.parse_notification`).
- :mod:`models`: the ten notification types and their events.
- :mod:`messages`: notification -> one queue message per event (:func:`messages.fan_out`).
- :mod:`errors`: the typed errors, each with a stable code.
"""
