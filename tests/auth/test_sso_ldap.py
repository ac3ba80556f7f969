"""Signing in through LDAP against a real directory server the suite starts (ldaptor, in a
process of its own on a loopback port): the service account finds the user, the user's bind
checks the password."""

from __future__ import annotations

import ipaddress
import socket
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from sqlalchemy import func, select

from pacer.auth.sessions import SESSION_COOKIE
from pacer.models import LoginAttempt, RoleGrant, User
from tests.auth.sso_fixtures import sso_client
from tests.factories import create_user
from tests.webclient import PASSWORD, csrf_from, set_passwords

DIRECTORY = """dn: dc=example,dc=org
objectClass: dcObject
objectClass: organization
dc: example
o: Example

dn: ou=people,dc=example,dc=org
objectClass: organizationalUnit
ou: people

dn: cn=pacer,ou=people,dc=example,dc=org
objectClass: person
cn: pacer
sn: service
userPassword: service-pw

dn: uid=dave,ou=people,dc=example,dc=org
objectClass: inetOrgPerson
uid: dave
cn: Dave Li
sn: Li
mail: dave@example.org
userPassword: dave-pw

"""


def _serve(folder: Path, *tls: Path, starttls: bool = False) -> Iterator[str]:
    ldif = folder / "directory.ldif"
    ldif.write_text(DIRECTORY)
    server = Path(__file__).with_name("ldap_server.py")
    command = [sys.executable, str(server), str(ldif), *map(str, tls), *(["starttls"] if starttls else [])]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        port = process.stdout.readline().strip()
        assert port.isdigit(), f"the LDAP server did not start: {port}"
        yield f"{'ldaps' if tls and not starttls else 'ldap'}://127.0.0.1:{port}"
    finally:
        process.kill()
        process.wait(10)


@pytest.fixture(scope="module")
def directory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from _serve(tmp_path_factory.mktemp("ldap"))


def _self_signed(folder: Path, name: str) -> tuple[Path, Path]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / f"{name}.crt", folder / f"{name}.key"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()
        )
    )
    return cert_file, key_file


@pytest.fixture(scope="module")
def tls_directory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, Path]]:
    folder = tmp_path_factory.mktemp("ldaps")
    cert, key = _self_signed(folder, "directory")
    stranger, _ = _self_signed(folder, "stranger")
    for url in _serve(folder, cert, key):
        yield url, cert, stranger


@pytest.fixture(scope="module")
def starttls_directory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, Path]]:
    folder = tmp_path_factory.mktemp("starttls")
    cert, key = _self_signed(folder, "directory")
    stranger, _ = _self_signed(folder, "stranger")
    for url in _serve(folder, cert, key, starttls=True):
        yield url, cert, stranger


def _ldap(url, **overrides):
    return {
        "ldap_url": url,
        "ldap_bind_dn": "cn=pacer,ou=people,dc=example,dc=org",
        "ldap_bind_password": "service-pw",
        "ldap_base_dn": "ou=people,dc=example,dc=org",
        "ldap_timeout_seconds": 3,
        **overrides,
    }


@pytest.fixture
def client(session, engine, directory):
    yield from sso_client(session, engine, **_ldap(directory))


def _post_login(client, username, password):
    token = csrf_from(client.get("/login").text)
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token})


def _user(session, username):
    return session.scalar(select(User).where(User.username == username))


def test_the_sign_in_page_says_directory_accounts_work(client):
    assert "directory (LDAP) username and password" in client.get("/login?lang=en").text
    assert "单位目录（LDAP）账号" in client.get("/login?lang=zh").text


def test_a_directory_user_signs_in_and_gets_a_user_without_grants(client, session, org):
    response = _post_login(client, "dave", "dave-pw")
    assert response.status_code == 303, response.text
    assert client.get("/account").status_code == 200
    dave = _user(session, "dave")
    assert (dave.sign_in, dave.external_id) == ("ldap", "uid=dave,ou=people,dc=example,dc=org")
    assert (dave.display_name, dave.email) == ("Dave Li", "dave@example.org")
    assert session.scalar(select(func.count()).where(RoleGrant.user_id == dave.id)) == 0


def test_a_precreated_directory_user_is_linked_and_keeps_its_grants(session, engine, directory, org):
    create_user(session, "dave", [("viewer", org.A)])
    _user(session, "dave").sign_in = "ldap"
    session.flush()
    for client in sso_client(session, engine, **_ldap(directory, sso_new_users="existing")):
        assert _post_login(client, "dave", "dave-pw").status_code == 303
    assert _user(session, "dave").external_id == "uid=dave,ou=people,dc=example,dc=org"
    assert session.scalar(select(func.count()).where(RoleGrant.user_id == _user(session, "dave").id)) == 1


def test_a_wrong_directory_password_is_refused_and_counted(client, session, org):
    refused = _post_login(client, "dave", "not-daves")
    assert refused.status_code == 401
    assert "用户名或密码不正确" in refused.text
    assert SESSION_COOKIE not in client.cookies
    assert _user(session, "dave") is None
    failures = select(func.count()).where(LoginAttempt.username == "dave", LoginAttempt.succeeded.is_(False))
    assert session.scalar(failures) == 1


def test_an_empty_password_is_not_an_anonymous_bind(client, session, org):
    assert _post_login(client, "dave", "").status_code == 401
    assert _user(session, "dave") is None


def test_a_user_the_directory_does_not_know_is_refused(client, session, org):
    refused = _post_login(client, "nobody", "whatever")
    assert refused.status_code == 401
    assert "用户名或密码不正确" in refused.text


def test_a_filter_injection_finds_nobody(client, session, org):
    assert _post_login(client, "*", "dave-pw").status_code == 401
    assert _post_login(client, "dave)(uid=*", "dave-pw").status_code == 401


def test_repeated_wrong_passwords_lock_the_account(client, session, org):
    for _ in range(5):
        assert _post_login(client, "dave", "wrong-one").status_code == 401
    assert _post_login(client, "dave", "dave-pw").status_code == 429


def test_local_users_keep_their_passwords_beside_the_directory(client, session, org):
    set_passwords(session, "alice")
    assert _post_login(client, "alice", PASSWORD).status_code == 303
    assert _user(session, "alice").sign_in == "local"


def test_an_unreachable_directory_gives_a_message_not_an_error(session, engine, org):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    for client in sso_client(session, engine, **_ldap(f"ldap://127.0.0.1:{port}")):
        token = csrf_from(client.get("/login?lang=en").text)
        refused = client.post("/login?lang=en", data={"username": "dave", "password": "dave-pw", "csrf_token": token})
        assert refused.status_code == 401
        assert "The user directory (LDAP) cannot be reached" in refused.text
    failures = select(func.count()).where(LoginAttempt.username == "dave", LoginAttempt.succeeded.is_(False))
    assert session.scalar(failures) == 1


def test_a_refused_service_account_gives_a_message_not_an_error(session, engine, directory, org):
    for client in sso_client(session, engine, **_ldap(directory, ldap_bind_password="wrong")):
        refused = _post_login(client, "dave", "dave-pw")
        assert refused.status_code == 401
        assert "无法连接用户目录" in refused.text


def test_a_directory_user_signs_in_over_tls_with_the_servers_authority(session, engine, tls_directory, org):
    url, authority, _ = tls_directory
    for client in sso_client(session, engine, **_ldap(url, ldap_ca_file=str(authority))):
        assert _post_login(client, "dave", "dave-pw").status_code == 303
    assert _user(session, "dave").sign_in == "ldap"


def _refused_as_unreachable(session, engine, **settings) -> None:
    """A sign-in through a directory these settings cannot reach safely: refused, nobody created."""
    for client in sso_client(session, engine, **settings):
        refused = _post_login(client, "dave", "dave-pw")
        assert refused.status_code == 401
        assert "无法连接用户目录" in refused.text
    assert _user(session, "dave") is None


def test_a_tls_server_whose_certificate_nobody_vouches_for_gets_no_password(session, engine, tls_directory, org):
    url, _, stranger = tls_directory
    _refused_as_unreachable(session, engine, **_ldap(url, ldap_ca_file=str(stranger)))


def test_a_directory_user_signs_in_over_starttls(session, engine, starttls_directory, org):
    url, authority, _ = starttls_directory
    assert url.startswith("ldap://")
    # the server refuses any bind before StartTLS: a sign-in that works went under TLS
    for client in sso_client(session, engine, **_ldap(url, ldap_start_tls=True, ldap_ca_file=str(authority))):
        assert _post_login(client, "dave", "dave-pw").status_code == 303
    assert _user(session, "dave").sign_in == "ldap"


def test_without_starttls_such_a_directory_refuses_to_bind(session, engine, starttls_directory, org):
    url, authority, _ = starttls_directory
    _refused_as_unreachable(session, engine, **_ldap(url, ldap_ca_file=str(authority)))


def test_starttls_to_a_server_whose_certificate_nobody_vouches_for_sends_no_password(
    session, engine, starttls_directory, org
):
    url, _, stranger = starttls_directory
    _refused_as_unreachable(session, engine, **_ldap(url, ldap_start_tls=True, ldap_ca_file=str(stranger)))


def test_starttls_asked_of_a_directory_that_cannot_gets_no_password(session, engine, directory, org):
    _refused_as_unreachable(session, engine, **_ldap(directory, ldap_start_tls=True))
