"""The adapters to AWS: the only modules that talk to boto3.

Each takes its client as an argument; :mod:`tilte_webhooks.aws.clients` makes the clients, once
per process, honouring ``AWS_ENDPOINT_URL`` so that local runs reach moto.
"""
