"""When a failed attempt is retried, and how long the client waits before it does.

Which error responses are retried is the API's rule (`_profile.should_retry`); connection
errors and timeouts always are. The wait grows exponentially with jitter, capped; a
`Retry-After` header can lengthen it up to a bound but never shorten it.
"""

from __future__ import annotations

import math
import random
import time
from dataclasses import dataclass
from typing import Optional

import httpx

__all__ = ["Backoff", "DEFAULT_BACKOFF", "retry_after"]


@dataclass(frozen=True)
class Backoff:
    """How long to wait between attempts.

    Before retry number n (1 for the first retry) the client waits a random time between half
    and all of `min(maximum, initial * 2 ** (n - 1))` seconds. A `Retry-After` header of a
    positive number of seconds (or an HTTP date in the future) makes the wait longer when it
    asks for more, up to `max_retry_after`; it never makes it shorter, so a `Retry-After` of
    0, a negative number, NaN or garbage still gets the backoff (no hammering), and a huge one
    waits `max_retry_after`. Tests can make the waits tiny:
    `Client(..., backoff=Backoff(0.001, 0.01, 0.01))`.

    Attributes:
        initial: Upper bound of the first wait, in seconds.
        maximum: Upper bound of any computed wait, in seconds.
        max_retry_after: Upper bound of a wait asked for by `Retry-After`, in seconds.
    """

    initial: float = 0.5
    maximum: float = 8.0
    max_retry_after: float = 60.0

    def __post_init__(self) -> None:
        if min(self.initial, self.maximum, self.max_retry_after) < 0:
            raise ValueError("backoff delays must not be negative")

    def delay(self, retry: int, retry_after: Optional[float] = None) -> float:
        """Seconds to wait before retry number `retry`, given the `Retry-After` seconds."""
        # The exponent is capped so that a huge max_retries cannot overflow the float.
        ceiling = min(self.maximum, self.initial * 2.0 ** min(retry - 1, 64))
        wait = ceiling * (0.5 + random.random() / 2)
        if retry_after is not None and retry_after > 0:
            wait = max(wait, min(retry_after, self.max_retry_after))
        return wait


DEFAULT_BACKOFF = Backoff()


def retry_after(response: httpx.Response) -> Optional[float]:
    """The wait a `Retry-After` header asks for, in seconds, or None.

    None also when the header is not a positive number of seconds (0, negative, NaN,
    garbage) or is an HTTP date that is not in the future: the backoff applies then.
    `Backoff.delay` caps what is returned (infinity included) at `max_retry_after`.
    """
    value = response.headers.get("retry-after")
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        from email.utils import parsedate_to_datetime

        try:
            seconds = parsedate_to_datetime(value).timestamp() - time.time()
        except (TypeError, ValueError, OverflowError):
            return None
    if math.isnan(seconds) or seconds <= 0:
        return None
    return seconds
