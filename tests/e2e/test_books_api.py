"""liboidc-rs through the books-api example: a real oidcd, a real books-api.

Every case runs in both modes of the library: local (JWT verified with the
issuer's JWKS) and introspection (RFC 7662 against the issuer). The
introspection cases are skipped only when the server has no /introspect.
books-api is taken from $BOOKS_API_BIN (default: <repo>/build/books-api);
under OIDCD_VALGRIND=1 it runs under memcheck like the server (conftest.py).
"""

import hashlib
import hmac
import json
import os
import signal
import subprocess

import pytest
import requests

from conftest import b64url
from conftest import (MEMCHECK, REPO, SLOW, VALGRIND, b64url_decode, clean_env, free_port,
                      jwt_header, valgrind_argv, wait_until)

BOOKS_API_BIN = os.environ.get("BOOKS_API_BIN", str(REPO / "build" / "books-api"))
START_TIMEOUT = 10.0 * SLOW
STOP_TIMEOUT = 5.0 * SLOW
HTTP_TIMEOUT = 10.0 * SLOW
REALM = "books"
INTROSPECTION_ENV = {"OIDCD_INTROSPECTION_RESPONSE_SCOPE": "true"}
BOOKS = "https://books.example.com"  # the books API as a registered resource
FILMS = "https://films.example.com"


class BooksApi:
    """One books-api process on a free loopback port."""

    def __init__(self, workdir, issuer, *args):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = workdir / f"books-api-{self.port}.log"
        argv = [BOOKS_API_BIN, "--issuer", issuer, "--listen", f"127.0.0.1:{self.port}", *args]
        valgrind_log = workdir / f"books-api-{self.port}.valgrind.log"
        if VALGRIND:
            argv = valgrind_argv(valgrind_log) + argv
        log = open(self.log_path, "wb")
        try:
            self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                         env=clean_env())
        finally:
            log.close()
        if VALGRIND:
            MEMCHECK.track(f"books-api on port {self.port}", self.proc, valgrind_log)
        ready = wait_until(self._ready, timeout=START_TIMEOUT)
        if not ready:
            self.proc.kill()
            self.proc.wait(timeout=STOP_TIMEOUT)
            raise AssertionError(f"books-api not ready:\n{self.log_text()}")

    def _ready(self):
        if self.proc.poll() is not None:
            raise AssertionError(f"books-api exited {self.proc.returncode}:\n{self.log_text()}")
        return f"listening on 127.0.0.1:{self.port}" in self.log_text()

    def log_text(self):
        return self.log_path.read_text(errors="replace")

    def get(self, token=None, authorization=None):
        headers = {}
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        if authorization is not None:
            headers["Authorization"] = authorization
        return requests.get(self.base + "/books", headers=headers, timeout=HTTP_TIMEOUT)

    def post(self, token, body=None, data=None):
        headers = {"Authorization": f"Bearer {token}"}
        if data is None:
            data = json.dumps(body)
        headers["Content-Type"] = "application/json"
        return requests.post(self.base + "/books", data=data, headers=headers,
                             timeout=HTTP_TIMEOUT)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            if VALGRIND:
                self.proc.oidcd_stop_signal = signal.SIGTERM
        try:
            return self.proc.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=STOP_TIMEOUT)
            return None


@pytest.fixture
def make_books(tmp_path):
    """Factory: make_books(issuer, *args); each must exit 0 on SIGTERM."""
    started = []

    def make(issuer, *args):
        api = BooksApi(tmp_path, issuer, *args)
        started.append(api)
        return api

    yield make
    codes = [(api.stop(), api.log_text()) for api in started]
    for code, log in codes:
        assert code == 0, f"books-api exited {code} on SIGTERM:\n{log}"


def introspection_available(server):
    resp = requests.post(server.url("/introspect"), timeout=HTTP_TIMEOUT)
    return resp.status_code != 404


class Stack:
    """An oidcd, its clients, and a books-api in one mode."""

    def __init__(self, make_server, make_books, mode, env=None, start_books=True):
        self.mode = mode
        env = dict(env or {})
        if mode == "introspect":
            env = {**INTROSPECTION_ENV, **env}
        # in the valgrind pass books-api (and liboidc-rs in it) is this module's
        # subject; oidcd's side here (tokens, /jwks, /introspect) runs under
        # memcheck in test_token_success, test_keys and test_introspect
        self.server = make_server(env=env, memcheck=False)
        if mode == "introspect" and not introspection_available(self.server):
            pytest.skip("the server has no /introspect yet (404)")
        for rid, scope in ((BOOKS, "read_books add_books"), (FILMS, "read_films")):
            made = self.server.cli("resource", "create", "--id", rid, "--scope", scope)
            assert made.returncode == 0, made.stderr
        self.cli = self.server.create_client(name="books-cli", scope="read_books add_books")
        self.opaque = self.server.create_client(name="books-opaque",
                                                scope="read_books add_books",
                                                access_token_format="opaque")
        self.rs = self.server.create_client(
            name="books-rs",
            scope=f"token_introspection {BOOKS}")
        self.make_books = make_books
        self.api = self.books(self.server.issuer) if start_books else None

    def books(self, issuer, *extra):
        args = list(extra)
        if "--allow-any-audience" not in args:
            args += ["--audience", BOOKS]
        if self.mode == "introspect":
            args += ["--introspect", "--client-id", self.rs["client_id"],
                     "--client-secret", self.rs["client_secret"]]
        return self.make_books(issuer, *args)

    def token(self, scope="read_books add_books", client=None, **form):
        resp = self.server.token_basic(client or self.cli, scope=scope, **form)
        assert resp.status_code == 200, resp.text
        return resp.json()["access_token"]


@pytest.fixture(params=["local", "introspect"])
def mode(request):
    return request.param


@pytest.fixture
def stack(make_server, make_books, mode):
    return Stack(make_server, make_books, mode)


def challenge(resp):
    return resp.headers.get("WWW-Authenticate", "")


def assert_refused(resp, status, error):
    assert resp.status_code == status, (resp.status_code, resp.text)
    assert resp.headers["Content-Type"].startswith("application/json")
    assert resp.json()["error"] == error, resp.text
    value = challenge(resp)
    assert value.startswith(f'Bearer realm="{REALM}"'), value
    assert f'error="{error}"' in value, value


def forge(token, header):
    """A token with the claims of token under a forged header (no signature)."""
    claims = token.split(".")[1]
    return b64url(json.dumps(header).encode()) + "." + claims


# -- allowed ----------------------------------------------------------------


def test_valid_token_reads_and_adds_books(stack):
    token = stack.token()
    resp = stack.api.get(token)
    assert resp.status_code == 200, resp.text
    titles = [book["title"] for book in resp.json()]
    assert "Kindred" in titles

    book = {"title": "Parable of the Sower", "author": "Octavia E. Butler"}
    resp = stack.api.post(token, book)
    assert resp.status_code == 201, resp.text
    assert resp.json() == book
    assert book in stack.api.get(token).json()


def test_opaque_token_works_only_with_introspection(stack):
    token = stack.token(client=stack.opaque)
    assert "." not in token
    resp = stack.api.get(token)
    if stack.mode == "introspect":
        assert resp.status_code == 200, resp.text
        assert stack.api.post(token, {"title": "T", "author": "A"}).status_code == 201
    else:
        assert_refused(resp, 401, "invalid_token")


def test_scheme_is_case_insensitive(stack):
    resp = stack.api.get(authorization=f"bEaReR   {stack.token()}")
    assert resp.status_code == 200, resp.text


# -- no or malformed credentials ---------------------------------------------


def test_missing_token_gets_bare_challenge(stack):
    resp = stack.api.get()
    assert resp.status_code == 401
    assert challenge(resp) == f'Bearer realm="{REALM}"'


def test_other_scheme_counts_as_no_credentials(stack):
    resp = stack.api.get(authorization="Basic dXNlcjpwYXNz")
    assert resp.status_code == 401
    assert challenge(resp) == f'Bearer realm="{REALM}"'


def test_malformed_bearer_header_is_invalid_request(stack):
    assert_refused(stack.api.get(authorization="Bearer a b"), 400, "invalid_request")
    assert_refused(stack.api.get(authorization="Bearer"), 400, "invalid_request")
    assert_refused(stack.api.get(authorization="Bearer " + "a" * 9000), 400, "invalid_request")


def test_garbage_token_is_invalid(stack):
    assert_refused(stack.api.get("garbage"), 401, "invalid_token")
    assert_refused(stack.api.get("a.b.c"), 401, "invalid_token")


# -- bad tokens -----------------------------------------------------------------


def test_tampered_signature_is_invalid(stack):
    token = stack.token()
    head, claims, sig = token.split(".")
    i = len(sig) // 2
    sig = sig[:i] + ("A" if sig[i] != "A" else "B") + sig[i + 1:]
    assert_refused(stack.api.get(f"{head}.{claims}.{sig}"), 401, "invalid_token")


def test_tampered_claims_are_invalid(stack):
    token = stack.token(scope="add_books")
    head, claims, sig = token.split(".")
    payload = json.loads(b64url_decode(claims))
    payload["scope"] = "read_books add_books"
    forged = f"{head}.{b64url(json.dumps(payload).encode())}.{sig}"
    assert_refused(stack.api.get(forged), 401, "invalid_token")


def test_tampered_opaque_token_is_invalid(stack):
    token = stack.token(client=stack.opaque)
    tampered = ("A" if token[0] != "A" else "B") + token[1:]
    assert_refused(stack.api.get(tampered), 401, "invalid_token")


def test_alg_none_is_refused(stack):
    token = stack.token()
    kid = jwt_header(token)["kid"]
    for header in ({"alg": "none", "typ": "at+jwt", "kid": kid},
                   {"alg": "none", "typ": "at+jwt"},
                   {"alg": "None", "typ": "at+jwt", "kid": kid}):
        assert_refused(stack.api.get(forge(token, header) + "."), 401, "invalid_token")


def test_hs256_with_public_key_as_secret_is_refused(stack):
    token = stack.token()
    kid = jwt_header(token)["kid"]
    jwks = stack.server.jwks()
    key = [k for k in jwks["keys"] if k["kid"] == kid][0]
    for secret in (json.dumps(key).encode(), b64url_decode(key["n"]), b"secret"):
        signing_input = forge(token, {"alg": "HS256", "typ": "at+jwt", "kid": kid})
        mac = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
        assert_refused(stack.api.get(f"{signing_input}.{b64url(mac)}"), 401, "invalid_token")


def test_expired_token_is_invalid(make_server, make_books, mode):
    stack = Stack(make_server, make_books, mode, env={"OIDCD_TOKENS_ACCESS_TOKEN_TTL": "1"})
    token = stack.token()
    claims = json.loads(b64url_decode(token.split(".")[1]))
    assert claims["exp"] - claims["iat"] <= 1, claims
    refused = wait_until(lambda: stack.api.get(token).status_code == 401, timeout=5.0,
                         interval=0.25)
    assert refused, "expired token still accepted after 5 s"
    assert_refused(stack.api.get(token), 401, "invalid_token")


def test_token_of_another_issuer_is_invalid(make_server, make_books, mode):
    stack = Stack(make_server, make_books, mode)
    other = Stack(make_server, make_books, mode)
    # books-api trusts `other`, the token comes from `stack`'s issuer.
    assert other.server.issuer != stack.server.issuer
    assert other.api.get(other.token()).status_code == 200
    assert_refused(other.api.get(stack.token()), 401, "invalid_token")


def test_books_api_refuses_to_start_against_a_mismatched_issuer(make_server, tmp_path):
    server = make_server()
    # The discovery document says http://127.0.0.1:PORT; "localhost" differs.
    wrong = server.issuer.replace("127.0.0.1", "localhost")
    proc = subprocess.run(
        [BOOKS_API_BIN, "--issuer", wrong, "--listen", f"127.0.0.1:{free_port()}",
         "--audience", BOOKS],
        capture_output=True, text=True, timeout=START_TIMEOUT, env=clean_env())
    assert proc.returncode == 1, proc.stderr
    assert "issuer" in proc.stderr


# -- scopes -----------------------------------------------------------------------


def test_token_without_read_books_is_insufficient_scope(stack):
    token = stack.token(scope="add_books")
    resp = stack.api.get(token)
    assert_refused(resp, 403, "insufficient_scope")
    assert 'scope="read_books"' in challenge(resp)
    assert stack.api.post(token, {"title": "T", "author": "A"}).status_code == 201


def test_token_without_add_books_cannot_post(stack):
    token = stack.token(scope="read_books")
    assert stack.api.get(token).status_code == 200
    resp = stack.api.post(token, {"title": "T", "author": "A"})
    assert_refused(resp, 403, "insufficient_scope")
    assert 'scope="add_books"' in challenge(resp)


# -- keys --------------------------------------------------------------------------


def test_es256_key_after_rotation_is_fetched(make_server, make_books, mode):
    # access tokens sign with keys.algorithm; rotating its keys brings a kid
    # the resource server has not seen
    stack = Stack(make_server, make_books, mode, env={"OIDCD_KEYS_ALGORITHM": "ES256"})
    first = stack.token()
    assert jwt_header(first)["alg"] == "ES256"
    assert stack.api.get(first).status_code == 200
    result = stack.server.cli("key", "rotate", "--alg", "ES256", "--publish-ahead", "0")
    assert result.returncode == 0, result.stderr

    def es256_token():
        token = stack.token()
        header = jwt_header(token)
        return token if header["alg"] == "ES256" and header["kid"] != jwt_header(first)["kid"] \
            else None

    token = wait_until(es256_token)
    assert token, "tokens still not signed by the new ES256 key after 2 s"
    resp = stack.api.get(token)
    assert resp.status_code == 200, resp.text


# -- request bodies -------------------------------------------------------------------


def test_post_body_is_capped_and_checked(stack):
    token = stack.token()
    resp = stack.api.post(token, data="x" * 5000)
    assert resp.status_code == 413
    resp = stack.api.post(token, data="{not json")
    assert resp.status_code == 400
    assert resp.json()["error"] == "invalid_request"
    resp = stack.api.post(token, {"title": "no author"})
    assert resp.status_code == 400


def test_unknown_path_is_404(stack):
    resp = requests.get(stack.api.base + "/nope", timeout=HTTP_TIMEOUT)
    assert resp.status_code == 404


# -- introspection only -------------------------------------------------------------


def test_introspection_without_scope_in_response_fails_closed(make_server, make_books):
    stack = Stack(make_server, make_books, "introspect",
                  env={"OIDCD_INTROSPECTION_RESPONSE_SCOPE": "false"})
    resp = stack.api.get(stack.token())
    assert_refused(resp, 403, "insufficient_scope")
    assert 'scope="read_books"' in challenge(resp)


def test_introspection_honours_the_audience_rule(make_server, make_books):
    stack = Stack(make_server, make_books, "introspect")
    # A token for a resource the resource server's scope does not list is
    # inactive for this caller (validate_audience_scope, DESIGN.md §6).
    stranger = stack.server.create_client(name="stranger", scope="read_books read_films")
    assert_refused(stack.api.get(stack.token(scope="read_films", client=stranger)), 401,
                   "invalid_token")


# -- audience (issue 10 §1) ---------------------------------------------------------


def test_token_for_another_api_is_refused(make_server, make_books, mode):
    stack = Stack(make_server, make_books, mode)
    both = stack.server.create_client(name="both", scope="read_books read_films")
    # the same scope, but a token meant for the films API: no replay here
    films = stack.token(scope="read_books read_films", client=both, resource=FILMS)
    assert_refused(stack.api.get(films), 401, "invalid_token")
    books = stack.token(scope="read_books read_films", client=both, resource=BOOKS)
    assert stack.api.get(books).status_code == 200


def test_books_api_without_audience_refuses_to_start(make_server):
    server = make_server()
    proc = subprocess.run(
        [BOOKS_API_BIN, "--issuer", server.issuer, "--listen", f"127.0.0.1:{free_port()}"],
        capture_output=True, text=True, timeout=START_TIMEOUT, env=clean_env())
    assert proc.returncode == 1, proc.stderr
    assert "audience is required" in proc.stderr and "allow_any_audience" in proc.stderr


def test_allow_any_audience_is_an_explicit_opt_out(make_server, make_books):
    stack = Stack(make_server, make_books, "local", start_books=False)
    token = stack.token()  # for BOOKS
    elsewhere = stack.make_books(stack.server.issuer, "--audience", "https://elsewhere.example")
    assert_refused(elsewhere.get(token), 401, "invalid_token")
    anyone = stack.books(stack.server.issuer, "--allow-any-audience")
    assert anyone.get(token).status_code == 200


def test_introspection_with_bad_credentials_is_a_server_error(make_server, make_books):
    stack = Stack(make_server, make_books, "introspect", start_books=False)
    api = make_books(stack.server.issuer, "--audience", BOOKS, "--introspect", "--client-id",
                     stack.rs["client_id"], "--client-secret", "wrong")
    resp = api.get(stack.token())
    assert resp.status_code == 500
    assert "WWW-Authenticate" not in resp.headers
