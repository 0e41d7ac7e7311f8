"""Where the accepted tokens come from: a Secrets Manager secret, cached, or a local list."""

from __future__ import annotations

from collections.abc import Sequence

from aws_lambda_powertools.utilities.parameters import SecretsProvider
from aws_lambda_powertools.utilities.parameters.exceptions import GetParameterError

from tilte_webhooks.auth import TokensUnavailable, tokens_from_secret

CACHE_SECONDS = 300
"""How long a container keeps the tokens: a rotation takes effect within this time."""


class SecretTokens:
    """The tokens in a Secrets Manager secret, fetched with Powertools and cached."""

    def __init__(self, provider: SecretsProvider, secret_id: str) -> None:
        self._provider = provider
        self._secret_id = secret_id

    def accepted_tokens(self) -> Sequence[str]:
        try:
            value = self._provider.get(self._secret_id, max_age=CACHE_SECONDS)
        except GetParameterError as error:
            raise TokensUnavailable(str(error)) from error
        return tokens_from_secret(value if isinstance(value, str) else "")


class FixedTokens:
    """Tokens given in the configuration (local development), or none at all."""

    def __init__(self, tokens: Sequence[str]) -> None:
        self._tokens = tuple(tokens)

    def accepted_tokens(self) -> Sequence[str]:
        return self._tokens
