"""Use cases of the tokens service: plain functions over the `Services` they are given.

`Services` names the ports (store, states, work, fortnox, schedule, clock, sleep, metrics); bootstrap.py wires the
real adapters, unit tests hand-written fakes.
"""

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from tokens.adapters.cache import HandoutCache
from tokens.adapters.metrics import RECORDER
from tokens.domain.connection import Policy


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Settings:
    redirect_uri: str
    scopes: str
    default_account_type: str = ""
    retry_attempts: int = 3
    retry_base_seconds: float = 0.5
    retry_after_max_wait: float = 5.0


@dataclass
class Services:
    store: Any  # adapters.repository.ConnectionStore
    states: Any  # adapters.work.StateStore
    work: Any  # adapters.work.WorkQueue
    fortnox: Any  # adapters.fortnox.FortnoxClient
    settings: Settings
    policy: Policy = field(default_factory=Policy)
    clock: Callable[[], datetime] = utc_now
    sleep: Callable[[float], None] = time.sleep
    rng: Any = random
    cache: HandoutCache = field(default_factory=lambda: HandoutCache(0))
    metrics: Any = RECORDER  # adapters.metrics.Recorder: refresh(), handout(), fortnox_call()
    schedule: Any = None  # adapters.schedule.MigrationSchedule
