"""Security headers on every response: pages, JSON, static files, charts and error answers.

The policy allows scripts from Pacer itself only: no inline script and no ``eval`` (charts are
drawn by vega-embed's interpreter, not by compiled expressions). Inline style attributes stay
allowed: pages set bar widths with them, and a style cannot run code. No page may be framed
by another site, a page's address is not sent to other sites, and browsers must not guess a
response's type.
"""

from __future__ import annotations

import base64
import hashlib
import re
from typing import Any

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"x-content-type-options", b"nosniff"),
)
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)


def policy_allowing_inline_scripts_of(html: str) -> str:
    """The policy, also allowing exactly the inline scripts in ``html`` by their hashes (for a
    page Pacer does not write itself, such as the API documentation)."""
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'"
        for script in _INLINE_SCRIPT.findall(html)
    )
    return CONTENT_SECURITY_POLICY.replace("script-src 'self'", f"script-src 'self' {hashes}".rstrip())


class SecurityHeaders:
    """ASGI middleware adding :data:`HEADERS` to every HTTP response that lacks them (a route
    may set a narrower or wider policy of its own)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers.extend((name, value) for name, value in HEADERS if name not in present)
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)
