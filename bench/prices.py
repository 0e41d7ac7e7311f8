"""AWS's published list prices (us-east-1), as the cost benchmark uses them.

From the pricing pages named below, as published when this was written (December 2026,
without network access to check them again): DynamoDB's on-demand prices are those since
AWS halved them on 1 November 2024. Free tiers are left out; the first pricing tier of each is
used (API Gateway's first 300 million requests a month, Lambda's first 7.5 billion arm64 GB-seconds,
SQS's first 100 billion requests).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Price:
    service: str
    item: str
    dollars: float
    per: float
    """Units the price is for (1,000,000 requests; 1 GB-second)."""
    unit: str
    source: str
    """The pricing page, by name and address."""

    @property
    def each(self) -> float:
        """Dollars per one unit."""
        return self.dollars / self.per


API_REQUEST = Price(
    "API Gateway",
    "HTTP API request (metered in 512 KB increments)",
    1.00,
    1e6,
    "million requests",
    "Amazon API Gateway pricing, https://aws.amazon.com/api-gateway/pricing/",
)
LAMBDA_REQUEST = Price(
    "Lambda",
    "request (invocation)",
    0.20,
    1e6,
    "million requests",
    "AWS Lambda pricing, https://aws.amazon.com/lambda/pricing/",
)
LAMBDA_GB_SECOND = Price(
    "Lambda",
    "duration, arm64",
    0.0000133334,
    1,
    "GB-second",
    "AWS Lambda pricing, https://aws.amazon.com/lambda/pricing/",
)
SQS_REQUEST = Price(
    "SQS",
    "standard queue request (each 64 KB chunk of a payload is one request)",
    0.40,
    1e6,
    "million requests",
    "Amazon SQS pricing, https://aws.amazon.com/sqs/pricing/",
)
DYNAMODB_WRITE = Price(
    "DynamoDB",
    "on-demand write request unit",
    0.625,
    1e6,
    "million units",
    "Amazon DynamoDB pricing for on-demand capacity, "
    "https://aws.amazon.com/dynamodb/pricing/on-demand/",
)
DYNAMODB_READ = Price(
    "DynamoDB",
    "on-demand read request unit",
    0.125,
    1e6,
    "million units",
    "Amazon DynamoDB pricing for on-demand capacity, "
    "https://aws.amazon.com/dynamodb/pricing/on-demand/",
)
PRICES = (API_REQUEST, LAMBDA_REQUEST, LAMBDA_GB_SECOND, SQS_REQUEST, DYNAMODB_WRITE, DYNAMODB_READ)
