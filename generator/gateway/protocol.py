"""uvicorn's h11 protocol plus the head and send timeouts it lacks.

uvicorn arms a timer only between requests (``timeout_keep_alive``) and cancels it on the
first byte received, so a request head sent a byte at a time, or never, keeps the connection
forever; and a client that stops reading keeps its response buffered forever. Here the head
(request line and headers) must be complete within ``header_timeout`` of the connection or of
the first byte of a kept-alive request (nginx's ``client_header_timeout``), and once the
response's write buffer is full (or the response is finished with bytes still unsent) the
client must take them within ``send_timeout`` (nginx's ``send_timeout``); else the connection
is closed. The keep-alive timer starts when the response is sent, not when the application is
done with it. Bodies are timed by the application (``BodyTimeout``), which can still answer 408.
"""

from __future__ import annotations

import asyncio
from typing import ClassVar, Optional

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from .config import Limits

HEAD_TIMEOUT_RESPONSE = (
    b"HTTP/1.1 408 Request Timeout\r\n"
    b"content-type: text/plain; charset=utf-8\r\n"
    b"content-length: 27\r\n"
    b"connection: close\r\n\r\n"
    b"Request head took too long\n"
)


def protocol_class(limits: Limits) -> type[TimedH11Protocol]:
    """The protocol class uvicorn instantiates per connection, bound to these limits."""
    return type("TimedH11Protocol", (TimedH11Protocol,), {"limits": limits})


class TimedH11Protocol(H11Protocol):
    limits: ClassVar[Limits] = Limits()
    _head_timer: Optional[asyncio.TimerHandle] = None
    _send_timer: Optional[asyncio.TimerHandle] = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_head_timer()

    def data_received(self, data: bytes) -> None:
        if self.conn.their_state is h11.IDLE:
            self._arm_head_timer()  # no-op when already armed
        super().data_received(data)
        if self.conn.their_state is not h11.IDLE:
            self._head_timer = cancel(self._head_timer)

    def connection_lost(self, exc: Optional[Exception]) -> None:
        self._head_timer = cancel(self._head_timer)
        self._send_timer = cancel(self._send_timer)
        super().connection_lost(exc)

    def pause_writing(self) -> None:
        super().pause_writing()
        self._arm_send_timer()

    def resume_writing(self) -> None:
        super().resume_writing()
        self._send_timer = cancel(self._send_timer)

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if self.transport.get_write_buffer_size() > 0:
            self._arm_send_timer()

    def timeout_keep_alive_handler(self) -> None:
        """Idle means nothing left to send: a client still reading is not idle.

        uvicorn starts the keep-alive timer when the application is done, so a client reading
        a large response slowly found its connection closed under its next request. While
        bytes are unsent, wait on (the send timer bounds that wait).
        """
        if self.transport.get_write_buffer_size() > 0:
            self._arm_send_timer()
            self.timeout_keep_alive_task = self.loop.call_later(
                self.timeout_keep_alive, self.timeout_keep_alive_handler
            )
            return
        super().timeout_keep_alive_handler()

    def _arm_head_timer(self) -> None:
        if self._head_timer is None:
            self._head_timer = self.loop.call_later(
                self.limits.header_timeout, self._head_timed_out
            )

    def _arm_send_timer(self) -> None:
        if self._send_timer is None:
            self._send_timer = self.loop.call_later(
                self.limits.send_timeout, self._send_timed_out
            )

    def _head_timed_out(self) -> None:
        self._head_timer = None
        if self.transport.is_closing() or self.conn.their_state is not h11.IDLE:
            return
        if self.conn.trailing_data[0]:  # part of a head arrived: say why
            self.transport.write(HEAD_TIMEOUT_RESPONSE)
        self.transport.close()

    def _send_timed_out(self) -> None:
        self._send_timer = None
        if self.transport.get_write_buffer_size() > 0:
            self.transport.abort()  # close() would wait for the reader forever


def cancel(timer: Optional[asyncio.TimerHandle]) -> Optional[asyncio.TimerHandle]:
    """Cancel a timer if there is one; None, to clear the attribute that held it."""
    if timer is not None:
        timer.cancel()
    return None
