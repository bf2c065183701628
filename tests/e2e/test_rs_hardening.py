"""liboidc-rs against a fake issuer that signs whatever a test asks (issue 10
§2): local mode requires the RFC 9068 claims and bounds exp and iat;
introspection mode refuses a token in the second it expires and keeps a
negative answer briefly, so one bad token is not an issuer call per request."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from jwcrypto import jwk, jwt

from conftest import free_port
from test_books_api import BOOKS, BooksApi, assert_refused


class FakeIssuer:
    """Discovery, a JWKS of one RSA key, and an introspection endpoint whose
    answer a test sets; counts introspection calls."""

    def __init__(self):
        self.port = free_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        self.key = jwk.JWK.generate(kty="RSA", size=2048, kid="k1", alg="RS256", use="sig")
        self.answer = {"active": False}
        self.calls = 0
        issuer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def send(self, doc):
                body = json.dumps(doc).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                if self.path == "/.well-known/openid-configuration":
                    self.send({"issuer": issuer.issuer, "jwks_uri": issuer.issuer + "/jwks",
                               "introspection_endpoint": issuer.issuer + "/introspect"})
                else:
                    self.send({"keys": [json.loads(issuer.key.export_public())]})

            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                issuer.calls += 1
                self.send(issuer.answer)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def sign(self, **overrides):
        now = int(time.time())
        claims = {"iss": self.issuer, "sub": "s", "aud": BOOKS, "exp": now + 300, "iat": now,
                  "jti": "j1", "client_id": "c", "scope": "read_books"}
        claims.update(overrides)
        claims = {k: v for k, v in claims.items() if v is not None}
        token = jwt.JWT(header={"alg": "RS256", "kid": "k1", "typ": "at+jwt"}, claims=claims)
        token.make_signed_token(self.key)
        return token.serialize()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def fake(tmp_path):
    issuer = FakeIssuer()
    yield issuer
    issuer.close()


@pytest.fixture
def books(tmp_path, fake):
    started = []

    def make(*args):
        api = BooksApi(tmp_path, fake.issuer, "--audience", BOOKS, *args)
        started.append(api)
        return api

    yield make
    for api in started:
        assert api.stop() == 0, api.log_text()


def test_a_well_formed_token_is_accepted(fake, books):
    assert books().get(fake.sign()).status_code == 200


@pytest.mark.parametrize("missing", ["sub", "iat", "jti", "client_id"])
def test_local_mode_requires_the_rfc9068_claims(fake, books, missing):
    api = books()
    assert_refused(api.get(fake.sign(**{missing: None})), 401, "invalid_token")


def test_local_mode_bounds_exp_and_iat(fake, books):
    api = books()
    now = int(time.time())
    assert_refused(api.get(fake.sign(exp=now + 10 * 365 * 86400)), 401, "invalid_token")
    assert_refused(api.get(fake.sign(exp=2**62)), 401, "invalid_token")
    assert_refused(api.get(fake.sign(iat=now + 3600)), 401, "invalid_token")
    assert api.get(fake.sign(exp=now + 3600)).status_code == 200


def introspecting(books):
    return books("--introspect", "--client-id", "rs", "--client-secret", "s")


def test_introspection_refuses_a_token_in_the_second_it_expires(fake, books):
    api = introspecting(books)
    now = int(time.time())
    fake.answer = {"active": True, "aud": BOOKS, "scope": "read_books", "exp": now,
                   "sub": "s", "client_id": "c"}
    assert_refused(api.get("expiring-now"), 401, "invalid_token")
    # an exp that would overflow exp + leeway is an ordinary future one
    fake.answer = {**fake.answer, "exp": 2**63 - 1}
    assert api.get("far-future").status_code == 200


def test_introspection_caches_a_negative_answer_briefly(fake, books):
    api = introspecting(books)
    fake.answer = {"active": False}
    for _ in range(5):
        assert_refused(api.get("bad-token"), 401, "invalid_token")
    assert fake.calls == 1, fake.calls
    assert_refused(api.get("another-bad-token"), 401, "invalid_token")
    assert fake.calls == 2
