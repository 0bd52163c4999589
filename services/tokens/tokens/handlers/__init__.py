"""Use cases of the tokens service: plain functions over the `Services` they are given.

`Services` names the ports (store, states, work, fortnox, schedule, clock, sleep, metrics);
bootstrap.py wires the real adapters, unit tests hand-written fakes.
"""

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from servicekit import backoff
from servicekit.clock import Clock, utc_now

from tokens.adapters.cache import HandoutCache
from tokens.adapters.metrics import RECORDER
from tokens.domain.connection import Policy

# Pauses between the attempts of one token call (renewal.with_retries): half a second after
# the first temporary failure, doubling (base from TOKENS_RETRY_BASE_SECONDS); never longer
# than the longest Retry-After the call waits for rather than handing over to the cool-down.
RETRY_AFTER_MAX_WAIT = 5.0
RETRY = backoff.Policy(base=0.5, cap=RETRY_AFTER_MAX_WAIT)


@dataclass(frozen=True)
class Settings:
    redirect_uri: str
    scopes: str
    default_account_type: str = ""
    retry_attempts: int = 3
    retry: backoff.Policy = RETRY
    retry_after_max_wait: float = RETRY_AFTER_MAX_WAIT


@dataclass
class Services:
    store: Any  # adapters.repository.ConnectionStore
    states: Any  # adapters.work.StateStore
    work: Any  # adapters.work.WorkQueue
    fortnox: Any  # adapters.fortnox.FortnoxClient
    settings: Settings
    policy: Policy = field(default_factory=Policy)
    clock: Clock = utc_now
    sleep: Callable[[float], None] = time.sleep
    rng: Any = random
    cache: HandoutCache = field(default_factory=lambda: HandoutCache(0))
    metrics: Any = RECORDER  # adapters.metrics.Recorder: refresh(), handout(), fortnox_call()
    schedule: Any = None  # adapters.schedule.MigrationSchedule
