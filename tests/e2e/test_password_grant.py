"""The resource owner password credentials grant (RFC 6749 §4.3): off unless
grants.password is on and the client holds it; never for a public client
(RFC 9700 §2.4); scope as client_credentials; one invalid_grant for every
bad credential; the login page's throttle; ID, access and refresh tokens of
the user, checked with jwcrypto, /userinfo and the refresh grant."""

import json
import re
import time

import pytest
import requests

from conftest import HTTP_TIMEOUT, VALGRIND, assert_oauth_error, jwt_claims_unverified, verify_jwt
from signin_support import (ALICE_CLAIMS, PASSWORD, Browser, left_half_hash, login_form,
                            make_user, user_cli, userinfo)

ON = {"grants": {"password": "true"}}
SCOPE = "openid profile email offline_access read"
BAD_CREDENTIALS = "invalid username or password"


@pytest.fixture
def on_server(make_server):
    return make_server(config=ON)


@pytest.fixture
def alice(on_server):
    return make_user(on_server)


def make_app(server, scope=SCOPE, grant_types="password,refresh_token", **flags):
    """A confidential client holding the password grant."""
    return server.create_client(name="first-party app", scope=scope, grant_types=grant_types,
                                **flags)


@pytest.fixture
def app(on_server):
    return make_app(on_server)


def password_grant(server, client, username="alice", password=PASSWORD, **form):
    data = {"grant_type": "password", "username": username, "password": password, **form}
    data = {k: v for k, v in data.items() if v is not None}
    return server.post_token(data, auth=(client["client_id"], client["client_secret"]))


def tokens_for(server, client, **form):
    resp = password_grant(server, client, **form)
    assert resp.status_code == 200, resp.text
    assert "no-store" in resp.headers.get("Cache-Control", "")
    return resp.json()


def assert_bad_credentials(resp):
    assert_oauth_error(resp, 400, "invalid_grant")
    assert resp.json()["error_description"] == BAD_CREDENTIALS


def discovery_grants(server):
    return server.get("/.well-known/openid-configuration").json()["grant_types_supported"]


# -- off, on, and who may use it -------------------------------------------------


def test_off_by_default(server):
    make_user(server)
    client = make_app(server)
    assert_oauth_error(password_grant(server, client), 400, "unsupported_grant_type")
    assert "password" not in discovery_grants(server)


def test_on_with_the_config(on_server, alice, app):
    assert "password" in discovery_grants(on_server)
    tokens = tokens_for(on_server, app, scope="openid read")
    assert tokens["token_type"] == "Bearer" and tokens["expires_in"] == 3600
    assert tokens["scope"] == "openid read"
    _, claims = verify_jwt(tokens["access_token"], on_server.jwks())
    assert claims["sub"] == alice["sub"] != app["client_id"]
    assert claims["client_id"] == app["client_id"] and claims["aud"] == app["client_id"]
    assert claims["scope"] == "openid read" and claims["iss"] == on_server.issuer
    assert "refresh_token" not in tokens  # offline_access was not asked for


def test_on_through_the_environment(make_server):
    server = make_server(env={"OIDCD_GRANTS_PASSWORD": "true"})
    make_user(server)
    assert password_grant(server, make_app(server)).status_code == 200
    assert "password" in discovery_grants(server)


def test_client_without_the_grant_is_unauthorized(on_server, alice):
    client = make_app(on_server, grant_types="client_credentials")
    resp = password_grant(on_server, client)
    assert_oauth_error(resp, 400, "unauthorized_client")
    # refused before the password is looked at: no failure is counted
    assert "login failed" not in on_server.log_text()


def test_public_client_refused(on_server, alice):
    # the CLI will not make one...
    result = on_server.cli("client", "create", "--name", "spa", "--type", "public",
                           "--grant-types", "password", "--scope", "openid")
    assert result.returncode == 2, result.stderr
    assert "public client may not hold the grant type password" in result.stderr
    # ...nor turn a password client public
    app = make_app(on_server)
    result = on_server.cli("client", "update", app["client_id"], "--type", "public")
    assert result.returncode == 2, result.stderr
    # and one given the grant behind the CLI's back is refused at /token
    spa = on_server.create_client(name="spa", type="public", grant_types="client_credentials",
                                  scope="openid")
    on_server.db_rows("UPDATE clients SET grant_types = 'password' WHERE id = ?",
                      (spa["client_id"],))
    time.sleep(1.1)  # the client cache sees a change within a second
    resp = on_server.post_token({"grant_type": "password", "client_id": spa["client_id"],
                                 "username": "alice", "password": PASSWORD})
    assert_oauth_error(resp, 400, "unauthorized_client")
    assert "public" in resp.json()["error_description"]


def test_disabled_client_is_invalid_client(on_server, alice, app):
    assert on_server.cli("client", "update", app["client_id"], "--disable").returncode == 0
    time.sleep(1.1)
    assert_oauth_error(password_grant(on_server, app), 401, "invalid_client")


def test_cli_warns_while_the_grant_is_off(server, on_server):
    off = server.cli("client", "create", "--name", "a", "--grant-types", "password",
                     "--scope", "openid", "--json")
    assert off.returncode == 0 and "grants.password is off" in off.stderr
    client_id = json.loads(off.stdout)["client_id"]
    update = server.cli("client", "update", client_id, "--name", "b")
    assert update.returncode == 0 and "grants.password is off" in update.stderr
    other = server.cli("client", "create", "--name", "c", "--grant-types", "client_credentials")
    assert other.returncode == 0 and other.stderr == ""
    on = on_server.cli("client", "create", "--name", "a", "--grant-types", "password")
    assert on.returncode == 0 and on.stderr == ""


# -- scope and resources, as client_credentials --------------------------------------


def test_without_scope_the_clients_whole_scope(on_server, alice, app):
    tokens = tokens_for(on_server, app)
    assert tokens["scope"] == SCOPE
    assert "id_token" in tokens and "refresh_token" in tokens


def test_scope_outside_the_clients_is_invalid_scope(on_server, alice, app):
    assert_oauth_error(password_grant(on_server, app, scope="openid admin"), 400,
                       "invalid_scope")
    assert_oauth_error(password_grant(on_server, app, scope='re"ad'), 400, "invalid_scope")


def test_resource_sets_aud_and_cuts_the_scope(on_server, alice, app):
    api = "https://api.example/books"
    on_server.cli_json("resource", "create", "--id", api, "--scope", "read")
    time.sleep(1.1)  # the resources are cached for up to a second
    tokens = tokens_for(on_server, app, scope="openid read", resource=api)
    assert tokens["scope"] == "read"
    _, claims = verify_jwt(tokens["access_token"], on_server.jwks())
    assert claims["aud"] == api and claims["sub"] == alice["sub"]
    assert "id_token" in tokens  # openid was granted; the access token is for the API
    # the refresh token keeps the resource, as one from a code keeps its request's
    tokens = tokens_for(on_server, app, scope="openid offline_access read", resource=api)
    assert tokens["scope"] == "read"
    resp = refresh(on_server, app, tokens["refresh_token"])
    assert resp.status_code == 200, resp.text
    assert resp.json()["scope"] == "read"
    assert verify_jwt(resp.json()["access_token"], on_server.jwks())[1]["aud"] == api
    # without resource, aud is every resource owning a granted scope
    _, claims = verify_jwt(tokens_for(on_server, app, scope="read")["access_token"],
                           on_server.jwks())
    assert claims["aud"] == api
    assert_oauth_error(password_grant(on_server, app, resource="https://nobody.example/"), 400,
                       "invalid_target")


# -- credentials ---------------------------------------------------------------------


def test_bad_credentials_get_one_answer(on_server, alice, app):
    make_user(on_server, "bob")
    assert user_cli(on_server, "update", "bob", "--disable").returncode == 0
    wrong = password_grant(on_server, app, password="wrong-canary-7Qz")
    unknown = password_grant(on_server, app, username="nobody")
    disabled = password_grant(on_server, app, username="bob")
    for resp in (wrong, unknown, disabled):
        assert_bad_credentials(resp)
    assert wrong.json() == unknown.json() == disabled.json()
    log = on_server.log_text()
    for reason in ("wrong password", "unknown username", "user disabled"):
        assert f'reason="{reason}"' in log, log
    assert re.search(r'msg="login failed" request_id=[0-9a-f]{16} username=alice ', log), log
    assert "wrong-canary-7Qz" not in log and PASSWORD not in log
    assert on_server.is_healthy()


def test_good_login_is_logged(on_server, alice, app):
    tokens_for(on_server, app)
    log = on_server.log_text()
    assert re.search(r"msg=login request_id=[0-9a-f]{16} username=alice client_id=%s "
                     r"grant_type=password" % re.escape(app["client_id"]), log), log
    assert PASSWORD not in log


@pytest.mark.skipif(VALGRIND, reason="timing, and 64 MiB hashes under memcheck")
def test_unknown_user_costs_a_verification(make_server):
    """The dummy hash: an unknown username takes about as long as a wrong
    password (with hashes slow enough to tell a skipped verification)."""
    server = make_server(config={**ON, "login": {"max_failures": 100},
                                 "passwords": {"argon2_memory_kib": 65536,
                                               "argon2_iterations": 3}})
    make_user(server)
    app = make_app(server)

    def timed(username):
        start = time.monotonic()
        assert_bad_credentials(password_grant(server, app, username=username, password="wrong"))
        return time.monotonic() - start

    # interleaved, the best of each: a load that comes and goes (other test
    # workers on the same cores) weighs on both alike
    times = {"alice": [], "nobody": []}
    for _ in range(5):
        for username in times:
            times[username].append(timed(username))
    wrong, unknown = min(times["alice"]), min(times["nobody"])
    assert unknown > 0.5 * wrong, (unknown, wrong)


def test_throttled_after_max_failures(make_server):
    server = make_server(config={**ON, "login": {"max_failures": 3, "lockout_seconds": 60}})
    make_user(server)
    app = make_app(server)
    for _ in range(3):
        assert_bad_credentials(password_grant(server, app, password="wrong"))
    resp = password_grant(server, app)  # even the right password waits
    assert_oauth_error(resp, 400, "invalid_grant")
    assert 0 < int(resp.headers["Retry-After"]) <= 60
    assert "id_token" not in resp.text
    # the login page shares the counters
    browser = Browser(server)
    page = browser.get(server.url("/login?next="))
    assert browser.login(page, "alice", PASSWORD).status_code == 429
    assert 'reason=throttled' in server.log_text()


def test_throttle_not_per_client_address(make_server):
    """The grant's peer is the client's backend, shared by all its users: one
    user's failures through it do not lock the others out, and a success
    through it is no way past an account's lock."""
    server = make_server(config={**ON, "login": {"max_failures": 3, "lockout_seconds": 60}})
    make_user(server)
    app = make_app(server)
    for name in ("mallory", "trudy", "eve"):
        assert_bad_credentials(password_grant(server, app, username=name, password="guess"))
    assert_bad_credentials(password_grant(server, app, username="mallory", password="guess"))
    assert_bad_credentials(password_grant(server, app, username="mallory", password="guess"))
    assert_oauth_error(password_grant(server, app, username="mallory"), 400, "invalid_grant")
    tokens_for(server, app)  # alice, through the same client
    for _ in range(3):
        assert_bad_credentials(password_grant(server, app, password="guess"))
    resp = password_grant(server, app)
    assert_oauth_error(resp, 400, "invalid_grant")
    assert 0 < int(resp.headers["Retry-After"]) <= 60


def test_failures_on_the_login_page_throttle_the_grant(make_server):
    server = make_server(config={**ON, "login": {"max_failures": 2, "lockout_seconds": 60}})
    make_user(server)
    app = make_app(server)
    browser = Browser(server)
    page = browser.get(server.url("/login?next="))
    for _ in range(2):
        page = browser.login(page, "alice", "wrong")
        assert login_form(page) is not None
    resp = password_grant(server, app)
    assert_oauth_error(resp, 400, "invalid_grant")
    assert int(resp.headers["Retry-After"]) > 0


def password_hash(server, username):
    return server.db_value("SELECT password_hash FROM users WHERE username = ?", (username,))


def test_old_hash_is_rehashed(on_server, alice, app):
    old = password_hash(on_server, "alice")
    assert ",t=1," in old
    assert on_server.stop() == 0
    on_server.start(env={"OIDCD_PASSWORDS_ARGON2_ITERATIONS": "2"})
    assert_bad_credentials(password_grant(on_server, app, password="wrong"))
    assert password_hash(on_server, "alice") == old  # a failure changes nothing
    tokens_for(on_server, app)
    new = password_hash(on_server, "alice")
    assert ",t=2," in new and new != old
    tokens_for(on_server, app)  # and the new hash still verifies


# -- the tokens ----------------------------------------------------------------------


def test_id_token(on_server, alice, app):
    before = int(time.time())
    tokens = tokens_for(on_server, app, scope="openid profile")
    header, claims = verify_jwt(tokens["id_token"], on_server.jwks())  # signature, JWKS
    now = time.time()
    assert header["alg"] != "none"
    assert claims["iss"] == on_server.issuer
    assert claims["aud"] == app["client_id"]
    assert claims["sub"] == alice["sub"]
    assert before - 1 <= claims["auth_time"] <= now + 1
    assert claims["iat"] <= now + 1 < claims["exp"]
    assert claims["amr"] == ["pwd"]
    assert "nonce" not in claims and "sid" not in claims
    assert claims["at_hash"] == left_half_hash(tokens["access_token"], header["alg"])


def test_no_id_token_without_openid(on_server, alice, app):
    tokens = tokens_for(on_server, app, scope="read")
    assert "id_token" not in tokens and "refresh_token" not in tokens


def test_userinfo_with_the_token(on_server, alice, app):
    tokens = tokens_for(on_server, app, scope="openid email")
    resp = userinfo(on_server, tokens["access_token"])
    assert resp.status_code == 200, resp.text
    assert resp.json() == {"sub": alice["sub"], "email": ALICE_CLAIMS["email"],
                           "email_verified": True}


def test_userinfo_with_an_opaque_token(on_server, alice):
    app = make_app(on_server, access_token_format="opaque")
    tokens = tokens_for(on_server, app, scope="openid profile")
    assert tokens["access_token"].count(".") == 0
    resp = userinfo(on_server, tokens["access_token"])
    assert resp.status_code == 200, resp.text
    assert resp.json()["sub"] == alice["sub"] and resp.json()["name"] == ALICE_CLAIMS["name"]


def refresh(server, client, token, **extra):
    return server.post_token({"grant_type": "refresh_token", "refresh_token": token, **extra},
                             auth=(client["client_id"], client["client_secret"]))


def test_refresh_works(on_server, alice, app):
    first = tokens_for(on_server, app, scope="openid offline_access read")
    first_id = jwt_claims_unverified(first["id_token"])
    resp = refresh(on_server, app, first["refresh_token"])
    assert resp.status_code == 200, resp.text
    second = resp.json()
    assert second["refresh_token"] != first["refresh_token"]
    assert second["scope"] == "openid offline_access read"
    _, claims = verify_jwt(second["id_token"], on_server.jwks())
    assert claims["sub"] == alice["sub"] and claims["auth_time"] == first_id["auth_time"]
    assert "sid" not in claims and "nonce" not in claims
    assert verify_jwt(second["access_token"], on_server.jwks())[1]["sub"] == alice["sub"]
    # rotation: the spent token is reuse, and the family ends
    assert_oauth_error(refresh(on_server, app, first["refresh_token"]), 400, "invalid_grant")
    assert_oauth_error(refresh(on_server, app, second["refresh_token"]), 400, "invalid_grant")


def test_no_refresh_token_without_the_refresh_grant(on_server, alice):
    app = make_app(on_server, grant_types="password")
    tokens = tokens_for(on_server, app, scope="openid offline_access")
    assert "refresh_token" not in tokens and "id_token" in tokens


def test_a_new_password_ends_the_refresh_tokens(on_server, alice, app):
    tokens = tokens_for(on_server, app)
    result = user_cli(on_server, "update", "alice", "--password-stdin",
                      password="another horse battery staple")
    assert result.returncode == 0, result.stderr
    assert_oauth_error(refresh(on_server, app, tokens["refresh_token"]), 400, "invalid_grant")


# -- malformed requests --------------------------------------------------------------


@pytest.mark.parametrize("form, why", [
    ({"username": None}, "username is required"),
    ({"username": ""}, "username is required"),
    ({"password": None}, "password is required"),
    ({"username": "a" * 65}, "username is longer than 64 bytes"),
    ({"password": "p" * 1025}, "password is longer than 1024 bytes"),
])
def test_malformed_is_invalid_request(make_server, form, why):
    server = make_server(config={**ON, "login": {"max_failures": 1, "lockout_seconds": 60}})
    make_user(server)
    app = make_app(server)
    resp = password_grant(server, app, **form)
    assert_oauth_error(resp, 400, "invalid_request")
    assert resp.json()["error_description"] == why
    # no failure was counted: with max_failures 1, the right password still works
    assert password_grant(server, app).status_code == 200


def test_parameter_twice_is_invalid_request(on_server, alice, app):
    body = f"grant_type=password&username=alice&username=bob&password={PASSWORD}"
    resp = requests.post(on_server.url("/token"), data=body, timeout=HTTP_TIMEOUT,
                         auth=(app["client_id"], app["client_secret"]),
                         headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert_oauth_error(resp, 400, "invalid_request")


def test_oversize_body_is_413(on_server, alice, app):
    resp = password_grant(on_server, app, password="p" * 20000)
    assert resp.status_code == 413, resp.text
    assert on_server.is_healthy()


# -- second factors ---------------------------------------------------------------


SECOND_FACTOR = "second factor"


def test_a_user_with_a_second_factor_cannot_use_the_grant(on_server, alice, app):
    """The grant carries the password alone: a user who has a second factor
    (here an authenticator app added by the operator) gets invalid_grant, as
    the login page would ask for the factor; without one, tokens."""
    assert tokens_for(on_server, app, scope="openid")["access_token"]
    result = user_cli(on_server, "add-totp", "alice", "--json")
    assert result.returncode == 0, result.stderr
    resp = password_grant(on_server, app, scope="openid")
    assert_oauth_error(resp, 400, "invalid_grant")
    assert SECOND_FACTOR in resp.json()["error_description"]
    assert user_cli(on_server, "reset-factors", "alice").returncode == 0
    assert tokens_for(on_server, app, scope="openid")["access_token"]


def test_a_client_or_server_requiring_a_second_factor_refuses_the_grant(make_server):
    server = make_server(config=ON)
    make_user(server)
    strict = make_app(server, require_mfa="true")
    resp = password_grant(server, strict, scope="openid")
    assert_oauth_error(resp, 400, "invalid_grant")
    assert SECOND_FACTOR in resp.json()["error_description"]
    everyone = make_server(config={**ON, "login": {"require_mfa": "true"}})
    make_user(everyone)
    resp = password_grant(everyone, make_app(everyone), scope="openid")
    assert_oauth_error(resp, 400, "invalid_grant")
    assert SECOND_FACTOR in resp.json()["error_description"]
