"""What the reference pages and ``codegen gateway`` agree on, in one place. Stdlib only.

Outside the ``gateway`` package so that ``codegen generate`` (which writes the pages) does not
import the gateway (``codegen check`` imports none of it, see ``tests/test_packaging.py``).
"""

from __future__ import annotations

import re

# The gateway's own endpoint: what key it holds (``gateway.config.key_status``). Under
# ``/reference/``, which the guard never forwards, so no operation of any spec can collide.
STATUS_PATH = "/reference/gateway/status"

# A connected account, as the ``Stripe-Account`` header carries it (Stripe: ``acct_`` and 16
# letters and digits today; the length is left open, the characters are not). The gateway
# refuses any other value; the page says so before sending. A JavaScript RegExp as well.
ACCOUNT_PATTERN = re.compile(r"acct_[A-Za-z0-9]{1,64}")


def is_account(value: str) -> bool:
    """A well-formed ``Stripe-Account`` value (``acct_...``), the whole of it."""
    return ACCOUNT_PATTERN.fullmatch(value) is not None
