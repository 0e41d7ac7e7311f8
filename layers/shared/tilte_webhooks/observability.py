"""The one Logger and Metrics of every function (Powertools), and the names they use.

Logs are JSON lines; they never carry a payload, an email address or a token. Metrics are
CloudWatch EMF in the ``TilteWebhooks`` namespace.
"""

from __future__ import annotations

from aws_lambda_powertools import Logger, Metrics

SERVICE = "tilte-webhooks"
NAMESPACE = "TilteWebhooks"

logger = Logger(service=SERVICE)
metrics = Metrics(namespace=NAMESPACE, service=SERVICE)
