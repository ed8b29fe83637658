"""``codegen gateway``: serve the reference pages and forward their requests to the API.

An optional extra (``pip install 'codegen[gateway]'``: Starlette and uvicorn). Importing this
package, ``config`` or ``routes`` needs only the standard library, so the command line can read
the gateway's defaults without the extra; ``app``, ``guard``, ``protocol``, ``upstream`` and
``serve`` need the extra.

The modules, in the order a request meets them:

- ``config``: defaults, ``Limits``, ``GatewayConfig``, the upstream check (all validated once).
- ``routes``: the operations to forward, read from ``reference/routes.json`` of the served tree
  (written by ``codegen generate``), matched segment by segment on the raw path.
- ``origins``: the one origin check (CORS, cross-site requests, DNS rebinding).
- ``protocol``: uvicorn's h11 protocol with the head and send timeouts it lacks.
- ``guard``: the ASGI entry: head limits, Host check, security headers, pages or forwarder.
- ``app``: the forwarder (routes, origin, body, upstream call, response) and the pages.
- ``upstream``: the bare httpx transport, with a bounded response size.
- ``redact``: the key removed from responses and log records.
- ``serve``: start-up checks, the listening socket, uvicorn.

What the gateway refuses, and why:

- **Anything but the generated operations.** A request is forwarded only when its method and
  path match one route of the served tree (method plus path template, segment by segment, on
  the raw path as received); everything else gets 404. A path parameter must be one non-empty
  path segment: encoded slashes or backslashes (``%2F``, ``%5C``), dot segments (``.``,
  ``..``, ``%2E%2E``) and control characters are refused, and the value is re-encoded before it
  is forwarded, so a request cannot reach any other upstream path.
- **Choosing the upstream.** The upstream origin is fixed when the gateway starts. The outgoing
  URL is built from it and the matched path only: no request line (absolute-form URLs),
  ``Host``, ``X-Forwarded-*`` header or parameter can change where a request goes. Redirects
  from the upstream are not followed, and proxy settings from the environment are ignored.
- **Credentials from the caller.** Only a short allow-list of request headers is forwarded
  (``Content-Type``, ``Accept``, ``Idempotency-Key``, ``Stripe-Version``, ``Stripe-Account``);
  ``Authorization``, ``Cookie`` and everything else are dropped. A connected account is taken
  from ``Stripe-Account`` only, and only in its shape (``acct_`` and letters and digits): any
  other value is refused with 400.
- **Large bodies**: above ``--max-body-bytes`` the answer is 413, whether the size is declared
  in ``Content-Length`` or only discovered while reading a chunked body.
- **Other web sites.** CORS headers are sent only for the gateway's own origins (its address,
  and ``localhost``/``127.0.0.1``/``[::1]`` when it listens on loopback) and the
  ``--allow-origin`` ones. A browser request to an operation from any other origin is refused
  with 403 even when it would not need CORS (a plain HTML form post), and so is a request whose
  ``Host`` is a domain name the gateway was not told about (DNS rebinding: 421).
- **Cookies.** The upstream is called through a bare httpx transport, with no cookie jar at all:
  a cookie the upstream sets is never stored, never sent on a later request (nobody's), and
  ``Set-Cookie`` is not passed to the browser.
- **Holding it open or filling its memory** (limits in the spirit of nginx's): the request head
  must arrive within ``--header-timeout`` and be at most ``--max-header-bytes`` with at most
  ``--max-headers`` fields (431 past them); the whole body within ``--body-timeout`` (408); a
  response the client stops reading is dropped after ``--send-timeout``; at most
  ``--max-connections`` connections are served at once, more get 503; an upstream response
  above ``--max-response-bytes`` is refused with 502 and never buffered past that size.
- **Ambiguous framing** (RFC 9112, section 6.3): a request with both ``Content-Length`` and
  ``Transfer-Encoding`` is refused with 400 and the connection closed (request smuggling).
- **Telling the key.** ``GET /reference/gateway/status`` (same origin check and CORS as the
  operations) says only whether a key is configured, its mode from its prefix (``sk_test_``,
  ``rk_test_``: test; ``sk_live_``, ``rk_live_``: live) and its last 4 characters.
- **Leaking the key.** The key is never logged, never put in a page, and removed from anything
  the upstream sends back (body and headers) before it reaches the caller; every log record
  passes through a filter that redacts it too.
"""
