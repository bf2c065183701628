"""Security checks from RFC 9700 and RFC 6749 §10 that apply so far, each named
for what it checks. Others live beside the feature they pin:
test_books_api.py::test_alg_none_is_refused and
test_hs256_with_public_key_as_secret_is_refused (liboidc-rs),
test_token_errors.py (wrong secrets), test_storage.py (secrets at rest)."""

import base64
import json
import re

import requests
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from jwcrypto import jwk, jws

from conftest import HTTP_TIMEOUT, b64url_decode, get_access_token, jwt_claims_unverified, make_owner
from test_books_api import Stack, make_books  # noqa: F401  (make_books is a fixture)


def signing_key(server, kid):
    """The server's private key for kid, unsealed the way oidcd seals it:
    AES-256-GCM under the key file, nonce after a version byte, kid as AAD."""
    kek = bytes.fromhex(server.kek_path.read_text().strip())
    blob = bytes(server.db_value("SELECT private_enc FROM signing_keys WHERE kid = ?", (kid,)))
    assert blob[0] == 1
    private = AESGCM(kek).decrypt(blob[1:13], blob[13:], kid.encode())
    return jwk.JWK.from_json(private)


def resign(server, token, typ):
    """The same claims, signed by the server's own key, with another typ."""
    header = json.loads(b64url_decode(token.split(".")[0]))
    protected = {"alg": header["alg"], "kid": header["kid"]}
    if typ is not None:
        protected["typ"] = typ
    signed = jws.JWS(json.dumps(jwt_claims_unverified(token)).encode())
    signed.add_signature(signing_key(server, header["kid"]), protected=json.dumps(protected))
    return signed.serialize(compact=True)


def test_rfc9068_typ_confusion_a_server_signed_jwt_without_at_jwt_is_refused(
        make_server, make_books):
    stack = Stack(make_server, make_books, "local")
    server = stack.server
    token = stack.token()
    assert stack.api.get(token).status_code == 200
    # control: re-signed with the right typ, the token is accepted, so the
    # refusals below are for the typ and not for a faulty signature
    control = resign(server, token, "at+jwt")
    assert control != token
    assert stack.api.get(control).status_code == 200
    assert requests.get(server.url("/gate"), headers={"Authorization": f"Bearer {control}"},
                        timeout=HTTP_TIMEOUT).status_code == 200
    for typ in ("JWT", "id_token+jwt", None):
        forged = resign(server, token, typ)
        assert forged != token
        gate = requests.get(server.url("/gate"), headers={"Authorization": f"Bearer {forged}"},
                            timeout=HTTP_TIMEOUT)
        assert gate.status_code == 401, (typ, gate.text)
        assert 'error="invalid_token"' in gate.headers["WWW-Authenticate"]
        intro = requests.post(server.url("/introspect"), data={"token": forged},
                              auth=(stack.rs["client_id"], stack.rs["client_secret"]),
                              timeout=HTTP_TIMEOUT)
        assert intro.json() == {"active": False}, (typ, intro.text)
        books = stack.api.get(forged)
        assert books.status_code == 401, (typ, books.text)
        assert 'error="invalid_token"' in books.headers["WWW-Authenticate"]


def test_rfc6749_10_3_token_entropy_at_least_128_bits(server):
    owner = make_owner(server, fmt="opaque", name="entropy")
    opaque = [get_access_token(server, owner) for _ in range(32)]
    jwt_owner = make_owner(server, name="entropy-jwt")
    jtis = [jwt_claims_unverified(get_access_token(server, jwt_owner))["jti"] for _ in range(32)]
    secret = jwt_owner["client_secret"]
    for value, min_bytes in [*((t, 32) for t in opaque), *((j, 16) for j in jtis),
                             (secret, 32)]:
        assert re.fullmatch(r"[A-Za-z0-9_-]+", value), value
        assert len(b64url_decode(value)) >= min_bytes, value
    assert len(set(opaque)) == len(opaque) and len(set(jtis)) == len(jtis)
    # no shared prefix beyond chance: random tokens differ in their first bytes
    assert len({t[:4] for t in opaque}) > len(opaque) // 2


def test_rfc6749_10_secret_comparison_wrong_secret_of_any_length_fails_alike(server):
    owner = make_owner(server, name="ct")
    secret = owner["client_secret"]
    same_length = ("A" if secret[0] != "A" else "B") + secret[1:]
    answers = []
    for wrong in (same_length, secret[:-1], secret + "x", "x", secret[:20]):
        resp = requests.post(server.url("/token"), data={"grant_type": "client_credentials"},
                             auth=(owner["client_id"], wrong), timeout=HTTP_TIMEOUT)
        answers.append((resp.status_code, resp.text, resp.headers.get("WWW-Authenticate")))
    assert len(set(answers)) == 1, answers
    assert answers[0][0] == 401


def test_rfc9700_no_token_secret_or_credentials_in_logs(server):
    owner = make_owner(server, name="logs")
    post = make_owner(server, name="logs-post", token_endpoint_auth_method="client_secret_post")
    rs = server.create_client(name="logs-rs",
                              scope=f"token_introspection {owner['client_id']}")
    token = get_access_token(server, owner)
    requests.post(server.url("/token"),
                  data={"grant_type": "client_credentials", "client_id": post["client_id"],
                        "client_secret": post["client_secret"]}, timeout=HTTP_TIMEOUT)
    requests.post(server.url("/introspect"), data={"token": token},
                  auth=(rs["client_id"], rs["client_secret"]), timeout=HTTP_TIMEOUT)
    requests.get(server.url("/gate?scope=read_books"),
                 headers={"Authorization": f"Bearer {token}"}, timeout=HTTP_TIMEOUT)
    requests.post(server.url("/token"), data={"grant_type": "client_credentials"},
                  auth=(owner["client_id"], "wrong-" + owner["client_secret"]),
                  timeout=HTTP_TIMEOUT)
    requests.post(server.url("/revoke"), data={"token": token},
                  auth=(owner["client_id"], owner["client_secret"]), timeout=HTTP_TIMEOUT)
    log = server.log_text()
    basic = base64.b64encode(f"{owner['client_id']}:{owner['client_secret']}".encode()).decode()
    for secret in (owner["client_secret"], post["client_secret"], rs["client_secret"], token,
                   token.split(".")[2], basic):
        assert secret not in log
    assert re.search(r"msg=request request_id=[0-9a-f]{16} method=POST path=/revoke status=200 ",
                     log), log


def test_rfc6749_5_1_no_store_on_every_response_that_carries_a_token(server):
    owner = make_owner(server, name="nostore")
    rs = server.create_client(name="nostore-rs",
                              scope=f"token_introspection {owner['client_id']}")
    token_resp = server.token_basic(owner)
    token = token_resp.json()["access_token"]
    intro = requests.post(server.url("/introspect"), data={"token": token},
                          auth=(rs["client_id"], rs["client_secret"]), timeout=HTTP_TIMEOUT)
    gate = requests.get(server.url("/gate"), headers={"Authorization": f"Bearer {token}"},
                        timeout=HTTP_TIMEOUT)
    for resp in (token_resp, intro, gate):
        assert resp.status_code == 200
        assert "no-store" in resp.headers["Cache-Control"], resp.url
        assert resp.headers.get("Pragma") == "no-cache", resp.url
