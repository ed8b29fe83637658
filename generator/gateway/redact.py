"""The API key removed from what the upstream sends back and from every log record. Stdlib only."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

REDACTED = "[redacted]"


def redact_text(text: str, secrets: Sequence[str]) -> str:
    for secret in secrets:
        text = text.replace(secret, REDACTED)
    return text


def redact_bytes(data: bytes, secrets: Sequence[str]) -> bytes:
    for secret in secrets:
        data = data.replace(secret.encode("utf-8"), REDACTED.encode("ascii"))
    return data


class RedactFilter(logging.Filter):
    """Replaces the secrets in every log record's message, arguments and traceback."""

    def __init__(self, secrets: Sequence[str] = (), name: str = "") -> None:
        super().__init__(name)
        self.secrets = tuple(s for s in secrets if s)

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        if isinstance(record.msg, str):
            record.msg = redact_text(record.msg, self.secrets)
        elif self._leaks(record.msg):
            record.msg = redact_text(str(record.msg), self.secrets)
        if isinstance(record.args, tuple):
            record.args = tuple(self._clean(a) for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: self._clean(v) for k, v in record.args.items()}
        if record.exc_info and record.exc_info[1] is not None:
            text = logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
            record.exc_text = redact_text(text, self.secrets)
        elif record.exc_text:
            record.exc_text = redact_text(record.exc_text, self.secrets)
        return True

    def _leaks(self, value: Any) -> bool:
        try:
            text = str(value)
        except Exception:
            return False
        return any(secret in text for secret in self.secrets)

    def _clean(self, value: Any) -> Any:
        """An argument as it was, or its text redacted when it holds a secret."""
        if isinstance(value, str):
            return redact_text(value, self.secrets)
        if isinstance(value, (int, float)) or value is None:
            return value
        return redact_text(str(value), self.secrets) if self._leaks(value) else value
