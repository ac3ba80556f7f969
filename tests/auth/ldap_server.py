"""A real LDAP server for the tests: ldaptor's, on a loopback port, serving a small directory.

Run as ``python ldap_server.py DIRECTORY.ldif [CERT.pem KEY.pem]``; it prints the port it
listens on, then serves until it is killed. With a certificate and key it speaks LDAP over TLS
(ldaps://). A process of its own, because Twisted's reactor runs once per process.
"""

from __future__ import annotations

import sys
from io import BytesIO
from pathlib import Path
from typing import Any

from ldaptor.inmemory import fromLDIFFile
from ldaptor.interfaces import IConnectedLDAPEntry
from ldaptor.protocols.ldap.ldapserver import LDAPServer
from twisted.internet import reactor
from twisted.internet.protocol import ServerFactory
from twisted.python.components import registerAdapter


class Factory(ServerFactory):
    protocol = LDAPServer

    def __init__(self, root: Any) -> None:
        self.root = root


def main(ldif_path: str, tls: list[str]) -> None:
    with open(ldif_path, "rb") as ldif:
        data = BytesIO(ldif.read())

    def serve(root: Any) -> None:
        registerAdapter(lambda factory: factory.root, Factory, IConnectedLDAPEntry)
        if tls:
            from twisted.internet.ssl import PrivateCertificate

            pem = Path(tls[0]).read_bytes() + Path(tls[1]).read_bytes()
            options = PrivateCertificate.loadPEM(pem).options()
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
    main(sys.argv[1], sys.argv[2:4])
