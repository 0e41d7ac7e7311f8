"""The ``tilte-webhooks`` command line: inspect payloads and operate a deployment."""
