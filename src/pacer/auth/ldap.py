"""LDAP sign-in through ldap3: the service account finds the user, then the user's own bind
proves the password. The password never leaves the connection, which is TLS when the URL is
ldaps:// or PACER_LDAP_START_TLS is set."""

from __future__ import annotations

import math
import ssl
from urllib.parse import urlsplit

import ldap3
from ldap3.core.exceptions import LDAPException
from ldap3.utils.conv import escape_filter_chars

from pacer.auth.sso import Identity, SignInRefused
from pacer.config import Settings


def enabled(settings: Settings) -> bool:
    return bool(settings.ldap_url)


def _server(settings: Settings) -> ldap3.Server:
    url = urlsplit(settings.ldap_url)
    secure = url.scheme == "ldaps"
    tls = None
    if secure or settings.ldap_start_tls:
        tls = ldap3.Tls(validate=ssl.CERT_REQUIRED, ca_certs_file=settings.ldap_ca_file or None)
    return ldap3.Server(
        url.hostname or "localhost",
        port=url.port or (636 if secure else 389),
        use_ssl=secure,
        tls=tls,
        get_info=ldap3.NONE,
        connect_timeout=_seconds(settings),
    )


def _bind(server: ldap3.Server, settings: Settings, dn: str | None, password: str | None) -> ldap3.Connection | None:
    """An open connection bound as ``dn``, or None when the directory refuses the credentials."""
    conn = ldap3.Connection(server, dn, password, raise_exceptions=False, receive_timeout=_seconds(settings))
    conn.open()
    if settings.ldap_start_tls and not server.ssl and not conn.start_tls():
        conn.unbind()
        raise SignInRefused("directory_unreachable", "StartTLS failed")
    if conn.bind():
        return conn
    conn.unbind()
    return None


def check(username: str, password: str, settings: Settings) -> Identity | None:
    """Who the directory says the user is when the password is right; None when it is wrong or
    the directory has no such user."""
    if not password or not username:
        return None  # an empty password is an anonymous bind, which every directory accepts
    server = _server(settings)
    try:
        service = _bind(server, settings, settings.ldap_bind_dn or None, settings.ldap_bind_password or None)
        if service is None:
            raise SignInRefused("directory_unreachable", "the service account was refused")
        try:
            attribute = settings.ldap_username_attribute
            service.search(
                settings.ldap_base_dn,
                settings.ldap_user_filter.replace("{username}", escape_filter_chars(username)),
                attributes=[attribute, "cn", "displayName", "mail"],
                size_limit=2,
            )
            entries = list(service.entries)
        finally:
            service.unbind()
        if len(entries) != 1:
            return None  # no such user, or a filter that is not unique: refuse rather than guess
        entry = entries[0]
        user = _bind(server, settings, entry.entry_dn, password)
        if user is None:
            return None
        user.unbind()
    except LDAPException as exc:
        raise SignInRefused("directory_unreachable", str(exc)[:200]) from exc
    return Identity(
        method="ldap",
        external_id=entry.entry_dn.lower()[:255],
        username=_first(entry, attribute) or username,
        display_name=_first(entry, "displayName") or _first(entry, "cn") or username,
        email=_first(entry, "mail") or None,
    )


def _first(entry: ldap3.abstract.entry.Entry, attribute: str) -> str:
    if attribute not in entry.entry_attributes:
        return ""
    values = entry[attribute].values
    return str(values[0]) if values else ""


def _seconds(settings: Settings) -> int:
    # ldap3 packs its timeouts into socket options as whole seconds
    return max(1, math.ceil(settings.ldap_timeout_seconds))
