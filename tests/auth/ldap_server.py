"""A real LDAP server for the tests: ldaptor's, on a loopback port, serving a small directory.

Run as ``python ldap_server.py DIRECTORY.ldif [CERT.pem KEY.pem [starttls]]``; it prints the port
it listens on, then serves until it is killed. With a certificate and key it speaks LDAP over TLS
(ldaps://); with ``starttls`` too it listens in plain LDAP, upgrades a connection to TLS on the
StartTLS extended operation (RFC 4511 4.14), and refuses a bind on a connection not yet upgraded
(confidentiality required), so a sign-in that works proves the password travelled under TLS. A
process of its own, because Twisted's reactor runs once per process.
"""

from __future__ import annotations

import sys
from io import BytesIO
from pathlib import Path
from typing import Any

from ldaptor.inmemory import fromLDIFFile
from ldaptor.interfaces import IConnectedLDAPEntry
from ldaptor.protocols import pureldap
from ldaptor.protocols.ldap import ldaperrors
from ldaptor.protocols.ldap.ldapserver import LDAPServer
from twisted.internet import reactor
from twisted.internet.protocol import ServerFactory
from twisted.python.components import registerAdapter


class Factory(ServerFactory):
    protocol = LDAPServer

    def __init__(self, root: Any) -> None:
        self.root = root


class StartTLSServer(LDAPServer):  # type: ignore[misc]
    """Plain LDAP until the client asks for StartTLS; no bind before that."""

    upgraded = False

    def extendedRequest_LDAPStartTLSRequest(self, data: Any, reply: Any) -> None:  # ldaptor finds it by name
        reply(pureldap.LDAPStartTLSResponse(resultCode=ldaperrors.Success.resultCode))
        self.transport.startTLS(self.factory.options)  # after the answer, which goes out in plain
        self.upgraded = True

    extendedRequest_LDAPStartTLSRequest.oid = pureldap.LDAPStartTLSRequest.oid  # type: ignore[attr-defined]

    def handle_LDAPBindRequest(self, request: Any, controls: Any, reply: Any) -> Any:
        if not self.upgraded:
            raise ldaperrors.LDAPConfidentialityRequired("StartTLS first")
        return super().handle_LDAPBindRequest(request, controls, reply)


class StartTLSFactory(Factory):
    protocol = StartTLSServer

    def __init__(self, root: Any, options: Any) -> None:
        super().__init__(root)
        self.options = options


def main(ldif_path: str, tls: list[str], starttls: bool) -> None:
    with open(ldif_path, "rb") as ldif:
        data = BytesIO(ldif.read())

    def serve(root: Any) -> None:
        registerAdapter(lambda factory: factory.root, Factory, IConnectedLDAPEntry)
        if tls:
            from twisted.internet.ssl import PrivateCertificate

            pem = Path(tls[0]).read_bytes() + Path(tls[1]).read_bytes()
            options = PrivateCertificate.loadPEM(pem).options()
            if starttls:
                port = reactor.listenTCP(0, StartTLSFactory(root, options), interface="127.0.0.1")
            else:
                port = reactor.listenSSL(0, Factory(root), options, interface="127.0.0.1")
        else:
            port = reactor.listenTCP(0, Factory(root), interface="127.0.0.1")
        print(port.getHost().port, flush=True)

    def fail(error: Any) -> None:
        print(f"error: {error.getErrorMessage()}", flush=True)
        reactor.stop()

    fromLDIFFile(data).addCallbacks(serve, fail)
    reactor.run()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:4], sys.argv[4:5] == ["starttls"])
