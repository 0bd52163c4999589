"""Use cases of the settings service: plain functions over the `Services` they are given.

`Services` names the ports (store, tokens, clock); bootstrap.py wires the real adapters, unit
tests hand-written fakes.
"""

from dataclasses import dataclass
from typing import Any

from servicekit.clock import Clock, utc_now


@dataclass
class Services:
    store: Any  # adapters.repository.SettingsStore
    tokens: Any  # adapters.tokens.TokensStatus; None without settings' own internal key
    clock: Clock = utc_now
