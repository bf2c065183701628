"""Helpers for the sign-in tests: a browser made of requests.Session that
follows redirects by hand, fills the login and consent forms (CSRF field
included) and stops at the client's redirect_uri; PKCE; the code exchange;
ID-token checks with jwcrypto.

The pages follow the HTTP contract of issue 9 (/work/signin-contract.md):
the login form has inputs `username`, `password`, hidden `csrf_token` and
`next`; the consent form buttons `decision=allow|deny`; the form_post page a
form whose action is the redirect_uri. Nothing listens at a redirect_uri: the
browser only reads the Location (or the form_post form) aimed at it.
"""

import base64
import hashlib
import json
import secrets
import subprocess
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from conftest import (CLI_TIMEOUT, HTTP_TIMEOUT, OIDCD_BIN, b64url, clean_env, free_port,
                      jwt_header, verify_jwt)

PASSWORD = "correct horse battery staple"
LOGIN_ERROR = "Incorrect username or password."
SESSION_COOKIE = "oidcd_session"
CSRF_COOKIE = "oidcd_csrf"
REDIRECT_STATUSES = (301, 302, 303, 307, 308)
# a redirect_uri nobody listens at: the browser stops at its Location
RP = "http://127.0.0.1:9/cb"
ALL_SCOPES = "openid profile email phone address offline_access"

ALICE_CLAIMS = {
    "name": "Alice Liddell",
    "given_name": "Alice",
    "family_name": "Liddell",
    "preferred_username": "alice",
    "email": "alice@example.org",
    "email_verified": True,
    "phone_number": "+47 555 01 234",
    "phone_number_verified": False,
    "address": {"locality": "Oslo", "country": "NO"},
}
SCOPE_CLAIMS = {
    "profile": ("name", "given_name", "family_name", "preferred_username"),
    "email": ("email", "email_verified"),
    "phone": ("phone_number", "phone_number_verified"),
    "address": ("address",),
}


# -- users and clients ---------------------------------------------------------


def user_cli(server, *args, password=None):
    """`oidcd user ARGS --config FILE`, the password (if any) on stdin."""
    argv = [OIDCD_BIN, "user", *map(str, args), "--config", str(server.config_path)]
    return subprocess.run(argv, capture_output=True, text=True, timeout=CLI_TIMEOUT,
                          cwd=server.dir, env=clean_env(server.env),
                          input="" if password is None else password + "\n")


def make_user(server, username="alice", password=PASSWORD, claims=None):
    """`user create USERNAME --password-stdin --claim K=V… --json`; the JSON."""
    claims = ALICE_CLAIMS if claims is None else claims
    args = ["create", username, "--password-stdin", "--json"]
    for key, value in claims.items():
        args += ["--claim", f"{key}={value if isinstance(value, str) else json.dumps(value)}"]
    result = user_cli(server, *args, password=password)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def make_rp(server, name="Example RP", scope=ALL_SCOPES, redirect_uri=RP, **flags):
    """A confidential authorization_code client (client_secret_basic)."""
    flags.setdefault("grant_types", "authorization_code")
    uris = redirect_uri if isinstance(redirect_uri, (list, tuple)) else [redirect_uri]
    return server.create_client(name=name, scope=scope, redirect_uri=list(uris), **flags)


def make_public_rp(server, name="Native App", **flags):
    return make_rp(server, name=name, type="public", **flags)


@pytest.fixture
def alice(server):
    """The user alice with ALICE_CLAIMS and PASSWORD (import it as a fixture)."""
    return make_user(server)


@pytest.fixture
def rp(server):
    """A confidential code-flow client at RP with every OIDC scope."""
    return make_rp(server)


# -- PKCE ----------------------------------------------------------------------


@dataclass
class Pkce:
    verifier: str = field(default_factory=lambda: b64url(secrets.token_bytes(32)))

    @property
    def challenge(self):
        return b64url(hashlib.sha256(self.verifier.encode()).digest())

    def params(self):
        return {"code_challenge": self.challenge, "code_challenge_method": "S256"}


# -- HTML ----------------------------------------------------------------------


@dataclass
class Form:
    action: str
    method: str
    fields: dict = field(default_factory=dict)  # inputs with a name (hidden and visible)
    buttons: list = field(default_factory=list)  # (name, value) of submit buttons


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append(Form(attrs.get("action") or "", (attrs.get("method") or "get").lower()))
        elif tag == "title":
            self._in_title = True
        elif self.forms and tag in ("input", "button"):
            kind = (attrs.get("type") or ("submit" if tag == "button" else "text")).lower()
            if kind == "submit":  # a button without a name submits too, adding no field
                self.forms[-1].buttons.append((attrs.get("name") or "", attrs.get("value") or ""))
            elif attrs.get("name"):
                self.forms[-1].fields[attrs["name"]] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def parse_forms(html):
    parser = _FormParser()
    parser.feed(html)
    parser.close()
    return parser.forms


def page_title(html):
    parser = _FormParser()
    parser.feed(html)
    return parser.title.strip()


def login_form(resp):
    forms = [f for f in parse_forms(resp.text) if "password" in f.fields]
    return forms[0] if forms else None


def consent_form(resp):
    forms = [f for f in parse_forms(resp.text) if any(n == "decision" for n, _ in f.buttons)]
    return forms[0] if forms else None


def query_params(url):
    """The query of url as a dict (each name once) — asserts no name repeats."""
    pairs = urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query, keep_blank_values=True)
    names = [n for n, _ in pairs]
    assert len(names) == len(set(names)), f"repeated parameter in {url}"
    return dict(pairs)


def fragment_params(url):
    """The fragment of url read as a form (implicit and hybrid responses,
    OAuth 2.0 Multiple Response Type Encoding Practices §2.1)."""
    pairs = urllib.parse.parse_qsl(urllib.parse.urlsplit(url).fragment, keep_blank_values=True)
    names = [n for n, _ in pairs]
    assert len(names) == len(set(names)), f"repeated parameter in {url}"
    return dict(pairs)


def assert_html_security_headers(resp, no_store=True):
    """The headers every HTML page carries (issue 9, DESIGN §7)."""
    headers = resp.headers
    assert headers.get("Content-Type", "").split(";")[0].strip() == "text/html", headers
    csp = headers.get("Content-Security-Policy", "")
    assert "frame-ancestors 'none'" in csp, csp
    assert headers.get("X-Content-Type-Options") == "nosniff", headers
    assert headers.get("Referrer-Policy") == "no-referrer", headers
    if no_store:
        assert "no-store" in headers.get("Cache-Control", ""), headers


# -- the browser ---------------------------------------------------------------


@dataclass
class Callback:
    """What reached the client's redirect_uri: by redirect (query) or form_post."""
    url: str  # the redirect_uri as reached (query included for a redirect)
    params: dict
    mode: str  # "query", "fragment" or "form_post"
    response: requests.Response = None

    @property
    def base(self):
        parts = urllib.parse.urlsplit(self.url)
        return urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


class Browser:
    """One user agent: a cookie jar and hand-followed redirects.

    Every request is sent without automatic redirects, so each hop (and each
    Set-Cookie) can be looked at; `pages` keeps every HTML page seen."""

    def __init__(self, server):
        self.server = server
        self.session = requests.Session()
        self.pages = []

    def _keep(self, resp):
        if resp.headers.get("Content-Type", "").startswith("text/html"):
            self.pages.append(resp)
        return resp

    def get(self, url, **kwargs):
        kwargs.setdefault("timeout", HTTP_TIMEOUT)
        return self._keep(self.session.get(url, allow_redirects=False, **kwargs))

    def post(self, url, data, **kwargs):
        kwargs.setdefault("timeout", HTTP_TIMEOUT)
        return self._keep(self.session.post(url, data=data, allow_redirects=False, **kwargs))

    def cookie(self, name=SESSION_COOKIE):
        return self.session.cookies.get(name)

    def authorize(self, client, redirect_uri=RP, method="GET", **params):
        """The first request of a flow: /authorize with response_type=code,
        client_id, redirect_uri and params (None values left out)."""
        query = {"response_type": "code", "client_id": client["client_id"],
                 "redirect_uri": redirect_uri, **params}
        query = {k: v for k, v in query.items() if v is not None}
        if method == "POST":
            return self.post(self.server.url("/authorize"), query)
        return self.get(self.server.url("/authorize"), params=query)

    def is_ours(self, url):
        return url.startswith(self.server.issuer + "/")

    def follow(self, resp):
        """Follow redirects inside the issuer; returns the first response that
        is not such a redirect, or a Callback for a redirect to the client."""
        for _ in range(10):
            if resp.status_code not in REDIRECT_STATUSES:
                return resp
            location = urllib.parse.urljoin(resp.url, resp.headers["Location"])
            if not self.is_ours(location):
                if urllib.parse.urlsplit(location).fragment:
                    return Callback(location, fragment_params(location), "fragment", resp)
                return Callback(location, query_params(location), "query", resp)
            resp = self.get(location)
        raise AssertionError("more than 10 redirects")

    def submit(self, resp, form, **values):
        """POST form (found on the page resp) with its fields plus values."""
        assert form.method == "post", form
        action = urllib.parse.urljoin(resp.url, form.action) if form.action else resp.url
        return self.post(action, {**form.fields, **values})

    def login(self, resp, username="alice", password=PASSWORD):
        form = login_form(resp)
        assert form is not None, f"no login form:\n{resp.status_code} {resp.text[:2000]}"
        assert "csrf_token" in form.fields and "next" in form.fields, form
        return self.submit(resp, form, username=username, password=password)

    def consent(self, resp, decision="allow"):
        form = consent_form(resp)
        assert form is not None, f"no consent form:\n{resp.status_code} {resp.text[:2000]}"
        assert "csrf_token" in form.fields, form
        assert (("decision", decision) in form.buttons), form.buttons
        return self.submit(resp, form, decision=decision)

    def run(self, resp, username="alice", password=PASSWORD, decision="allow",
            expect_login=None, expect_consent=None):
        """Drive the flow from resp to the client: log in when the login
        page shows, answer the consent page with decision. expect_login /
        expect_consent (when not None) assert whether that page showed.
        Returns the Callback (with .logged_in and .consented set)."""
        logged_in = consented = False
        for _ in range(10):
            step = self.follow(resp)
            if isinstance(step, Callback):
                break
            assert step.status_code == 200, (step.status_code, step.url, step.text[:2000])
            if login_form(step) is not None:
                assert not logged_in, "the login page came back after a login:\n" + step.text[:2000]
                logged_in = True
                resp = self.login(step, username, password)
            elif consent_form(step) is not None:
                assert not consented, "the consent page came back after consent"
                consented = True
                resp = self.consent(step, decision)
            else:
                step = form_post_callback(self, step)
                break
        else:
            raise AssertionError("the flow did not reach the client")
        if expect_login is not None:
            assert logged_in == expect_login, f"login page shown: {logged_in}"
        if expect_consent is not None:
            assert consented == expect_consent, f"consent page shown: {consented}"
        step.logged_in, step.consented = logged_in, consented
        return step

    def sign_in(self, client, redirect_uri=RP, **params):
        """A whole authorize → login → consent → code round; the Callback."""
        return self.run(self.authorize(client, redirect_uri, **params))


def form_post_callback(browser, resp):
    """The form_post page (OAuth 2.0 Form Post Response Mode): a form aimed
    at the redirect_uri, its fields the response parameters."""
    forms = [f for f in parse_forms(resp.text) if not browser.is_ours(
        urllib.parse.urljoin(resp.url, f.action))]
    assert len(forms) == 1, f"not a form_post page:\n{resp.text[:2000]}"
    form = forms[0]
    assert form.method == "post", form
    return Callback(urllib.parse.urljoin(resp.url, form.action), dict(form.fields), "form_post", resp)


# -- the code exchange ---------------------------------------------------------


def redeem(server, client, code, redirect_uri=RP, verifier=None, **extra):
    """POST /token grant_type=authorization_code: Basic auth for a confidential
    client, client_id in the form for a public one; returns the response."""
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
            **extra}
    if verifier is not None:
        data["code_verifier"] = verifier
    data = {k: v for k, v in data.items() if v is not None}
    auth = None
    if client.get("client_secret"):
        auth = (client["client_id"], client["client_secret"])
    else:
        data.setdefault("client_id", client["client_id"])
    return server.post_token(data, auth=auth)


def assert_callback_ok(server, callback, state):
    assert "error" not in callback.params, callback.params
    assert callback.params.get("state") == state, callback.params
    assert callback.params.get("iss") == server.issuer, callback.params
    code = callback.params.get("code", "")
    assert len(code) >= 43, code  # 256 bits, base64url
    return code


def assert_callback_error(server, callback, error, state=None):
    assert callback.params.get("error") == error, callback.params
    assert "code" not in callback.params, callback.params
    assert callback.params.get("iss") == server.issuer, callback.params
    if state is not None:
        assert callback.params.get("state") == state, callback.params
    else:
        assert "state" not in callback.params, callback.params


def full_flow(server, client, user=None, browser=None, scope="openid", redirect_uri=RP,
              pkce=True, password=PASSWORD, **params):
    """Sign in (as alice with password, when the login page shows) and
    exchange the code: returns a dict with browser, state, nonce, pkce, code,
    callback and the token response body."""
    pk = Pkce() if pkce else None
    state, nonce = secrets.token_urlsafe(12), secrets.token_urlsafe(12)
    browser = browser or Browser(server)
    query = {"scope": scope, "state": state, "nonce": nonce, **(pk.params() if pk else {}),
             **params}
    callback = browser.run(browser.authorize(client, redirect_uri, **query), password=password)
    code = assert_callback_ok(server, callback, state)
    resp = redeem(server, client, code, redirect_uri, pk.verifier if pk else None)
    assert resp.status_code == 200, resp.text
    assert "no-store" in resp.headers.get("Cache-Control", "")
    return {"browser": browser, "state": state, "nonce": nonce, "pkce": pk, "code": code,
            "callback": callback, "tokens": resp.json()}


# -- ID tokens and userinfo -----------------------------------------------------


def left_half_hash(value, alg):
    """at_hash / c_hash (OIDC Core §3.1.3.6): the left half of the hash that
    alg uses, base64url."""
    digest = {"RS256": hashlib.sha256, "PS256": hashlib.sha256, "ES256": hashlib.sha256,
              "RS384": hashlib.sha384, "ES384": hashlib.sha384,
              "RS512": hashlib.sha512, "EdDSA": hashlib.sha512}[alg]
    full = digest(value.encode()).digest()
    return base64.urlsafe_b64encode(full[: len(full) // 2]).rstrip(b"=").decode()


def verify_id_token(server, client, tokens, nonce, user=None, skew=5):
    """The ID token of a token response checked against /jwks and OIDC Core
    §3.1.3.7; returns its claims."""
    id_token = tokens["id_token"]
    header, claims = verify_jwt(id_token, server.jwks())
    assert header.get("typ", "JWT") == "JWT", header
    now = time.time()
    assert claims["iss"] == server.issuer
    aud = claims["aud"]
    assert aud == client["client_id"] or (isinstance(aud, list) and client["client_id"] in aud)
    if isinstance(aud, list) and len(aud) > 1:
        assert claims["azp"] == client["client_id"]
    assert isinstance(claims["exp"], int) and claims["exp"] > now
    assert isinstance(claims["iat"], int) and claims["iat"] <= now + skew
    assert claims["exp"] > claims["iat"]
    assert claims["nonce"] == nonce
    assert claims["at_hash"] == left_half_hash(tokens["access_token"], header["alg"])
    assert isinstance(claims["auth_time"], int) and claims["auth_time"] <= now + skew
    assert isinstance(claims.get("sid"), str) and claims["sid"]
    assert isinstance(claims["sub"], str) and claims["sub"]
    if user is not None:
        assert claims["sub"] == user["sub"]
    assert jwt_header(id_token)["alg"] != "none"
    return claims


def userinfo(server, access_token, method="GET", **kwargs):
    kwargs.setdefault("timeout", HTTP_TIMEOUT)
    headers = {"Authorization": f"Bearer {access_token}", **kwargs.pop("headers", {})}
    return requests.request(method, server.url("/userinfo"), headers=headers, **kwargs)


# Two APIs registered as resources (RFC 8707) for the tests that aim tokens.
BOOKS = "https://books.example.com"
FILMS = "https://films.example.com/api"


def create_apis(server):
    """Registers BOOKS (read_books, add_books) and FILMS (read_films)."""
    server.cli_json("resource", "create", "--id", BOOKS, "--scope", "read_books add_books")
    server.cli_json("resource", "create", "--id", FILMS, "--scope", "read_films")


# -- sector identifier documents (OpenID Connect Core §8.1) ---------------------


class SectorDocs:
    """Sector identifier documents served on loopback: docs[path] is the body
    (a str, sent as JSON) of GET path; anything else is a 404."""

    def __init__(self):
        self.docs = {}
        docs = self.docs

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                body = docs.get(self.path)
                data = b"" if body is None else body.encode()
                self.send_response(404 if body is None else 200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def put(self, path, uris):
        self.docs[path] = uris if isinstance(uris, str) else json.dumps(uris)
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def sectors():
    """A SectorDocs server for the test (import it as a fixture)."""
    s = SectorDocs()
    yield s
    s.close()
