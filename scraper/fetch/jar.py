"""httpx's client with a cookie jar that skips responses which set no cookie.

httpx hands every response to `http.cookiejar` through urllib compatibility objects (a
`urllib.request.Request` each), whether or not it has a `Set-Cookie` header: ~6 % of the crawl's
event loop.  The jar does nothing with a response that sets no cookie, so such a response is not
handed to it; cookies that are set are kept and sent exactly as before.
"""

from __future__ import annotations

from typing import Any

import httpx

__all__ = ["LeanClient", "LeanCookies"]


class LeanCookies(httpx.Cookies):
    """`httpx.Cookies` that looks for `Set-Cookie` (or `Set-Cookie2`) before building the jar's request."""

    def extract_cookies(self, response: httpx.Response) -> None:
        headers = response.headers
        if "set-cookie" in headers or "set-cookie2" in headers:
            super().extract_cookies(response)


class LeanClient(httpx.AsyncClient):
    """`httpx.AsyncClient` whose cookies are `LeanCookies` (until something assigns `client.cookies`)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._cookies = LeanCookies(self._cookies)
