"""APIs as registered resources (RFC 8707): `oidcd resource …`, the token
endpoint's resource parameter, the audience of access tokens, introspection
and discovery (issue 10 §1, and §2's scopes_supported)."""

from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from conftest import (assert_oauth_error, get_token, jwt_claims_unverified, make_owner,
                      verify_jwt, wait_until)

BOOKS = "https://books.example.com"
FILMS = "https://films.example.com/api"
LIST_PAGE = 100  # LIMIT_LIST_PAGE (src/core/limits.h): the resources read at once


def resource(server, *args):
    return server.cli("resource", *args)


def create_resource(server, rid, scope, *extra):
    return server.cli_json("resource", "create", "--id", rid, "--scope", scope, *extra)


def usage_error(result):
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1, result.stderr
    return result.stderr


@pytest.fixture
def apis(server):
    create_resource(server, BOOKS, "read_books add_books", "--name", "Books")
    create_resource(server, FILMS, "read_films")
    return server


def claims_of(server, token):
    return verify_jwt(token, server.jwks())[1]


# -- CLI ------------------------------------------------------------------------


def test_resource_create_show_list_update_delete(server):
    made = create_resource(server, BOOKS, "read_books add_books", "--name", "Books",
                           "--access-token-ttl", "600")
    assert made["id"] == BOOKS and made["name"] == "Books"
    assert made["scope"] == "read_books add_books"
    assert made["access_token_format"] is None and made["access_token_ttl"] == 600
    assert server.cli_json("resource", "show", BOOKS) == made
    assert [r["id"] for r in server.cli_json("resource", "list")] == [BOOKS]
    text = resource(server, "show", BOOKS)
    assert text.returncode == 0 and "read_books add_books" in text.stdout
    changed = server.cli_json("resource", "update", BOOKS, "--scope", "read_books",
                              "--access-token-format", "opaque")
    assert changed["scope"] == "read_books" and changed["access_token_format"] == "opaque"
    assert changed["created_at"] == made["created_at"]
    gone = resource(server, "delete", BOOKS)
    assert gone.returncode == 0, gone.stderr
    assert server.cli_json("resource", "list") == []
    assert resource(server, "show", BOOKS).returncode == 1


@pytest.mark.parametrize("rid", ["books", "/books", "https://books.example.com/#x", "1http://x",
                                 "https://books example.com"])
def test_resource_id_must_be_an_absolute_uri_without_fragment(server, rid):
    usage_error(resource(server, "create", "--id", rid, "--scope", "read_books"))
    assert server.cli_json("resource", "list") == []


def test_a_scope_belongs_to_at_most_one_resource(server):
    create_resource(server, BOOKS, "read_books add_books")
    line = usage_error(resource(server, "create", "--id", FILMS, "--scope", "read_films add_books"))
    assert "add_books" in line and BOOKS in line
    create_resource(server, FILMS, "read_films")
    line = usage_error(resource(server, "update", FILMS, "--scope", "read_books"))
    assert BOOKS in line
    assert server.cli_json("resource", "show", FILMS)["scope"] == "read_films"


def test_resource_ids_are_unique_and_flags_are_checked(server):
    create_resource(server, BOOKS, "read_books")
    dup = resource(server, "create", "--id", BOOKS, "--scope", "other")
    assert dup.returncode == 1 and "exists" in dup.stderr
    usage_error(resource(server, "create", "--id", FILMS, "--scope", "openid"))
    usage_error(resource(server, "create", "--id", FILMS, "--scope", "x", "--access-token-ttl",
                         "-5"))
    usage_error(resource(server, "create", "--id", FILMS, "--scope", "x",
                         "--access-token-format", "paper"))
    usage_error(resource(server, "create", "--id", FILMS, "--scope", "x", "--bogus"))
    usage_error(resource(server, "create", "--scope", "x"))
    assert resource(server, "delete", FILMS).returncode == 1


def test_more_resources_than_a_page_are_all_seen(server):
    """The CLI and the server read the resources a page at a time: past one
    page every one is listed once, in order, guards its scopes, is published
    in discovery and can be a token's audience."""
    ids = [f"https://api-{i:03}.example" for i in range(LIST_PAGE + 5)]
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(lambda i: create_resource(server, ids[i], f"s{i:03}"), range(len(ids))))
    listed = server.cli_json("resource", "list")
    assert [r["id"] for r in listed] == ids
    text = resource(server, "list")
    assert [line.split()[0] for line in text.stdout.splitlines()] == ids
    # the owner of the last scope is on the second page
    line = usage_error(resource(server, "create", "--id", BOOKS, "--scope", f"s{len(ids) - 1:03}"))
    assert ids[-1] in line

    def published():
        doc = server.get("/.well-known/openid-configuration").json()
        return set(doc["scopes_supported"]) >= {f"s{i:03}" for i in range(len(ids))}
    assert wait_until(published, timeout=3)
    owner = make_owner(server, scope=f"s000 s{len(ids) - 1:03}")
    token = get_token(server, owner, resource=ids[-1])["access_token"]
    assert claims_of(server, token)["aud"] == ids[-1]
    assert claims_of(server, token)["scope"] == f"s{len(ids) - 1:03}"


# -- token endpoint -------------------------------------------------------------


def test_resource_parameter_sets_aud_and_cuts_the_scope(apis):
    owner = make_owner(apis, scope="read_books add_books read_films")
    body = get_token(apis, owner, resource=BOOKS)
    assert body["scope"] == "read_books add_books"
    claims = claims_of(apis, body["access_token"])
    assert claims["aud"] == BOOKS
    assert claims["scope"] == "read_books add_books"
    films = get_token(apis, owner, resource=FILMS, scope="read_books read_films")
    assert films["scope"] == "read_films"
    assert claims_of(apis, films["access_token"])["aud"] == FILMS


def test_repeated_resource_gives_an_array_audience(apis):
    owner = make_owner(apis, scope="read_books read_films")
    resp = apis.post_token([("grant_type", "client_credentials"), ("resource", BOOKS),
                            ("resource", FILMS)], auth=(owner["client_id"],
                                                        owner["client_secret"]))
    assert resp.status_code == 200, resp.text
    claims = claims_of(apis, resp.json()["access_token"])
    assert sorted(claims["aud"]) == [BOOKS, FILMS]


def test_without_resource_aud_is_every_resource_owning_a_granted_scope(apis):
    owner = make_owner(apis, scope="read_books read_films other")
    claims = claims_of(apis, get_access_token_for(apis, owner, "read_books"))
    assert claims["aud"] == BOOKS
    claims = claims_of(apis, get_access_token_for(apis, owner, "read_books read_films"))
    assert sorted(claims["aud"]) == [BOOKS, FILMS]
    # a scope no resource owns leaves the token for the client, as before
    claims = claims_of(apis, get_access_token_for(apis, owner, "other"))
    assert claims["aud"] == owner["client_id"]


def test_a_resource_changed_while_the_server_runs_is_seen_within_a_second(apis):
    """The server caches the resources and reads them again when their
    change counter moves (checked once a second)."""
    owner = make_owner(apis, scope="read_books read_films")
    assert claims_of(apis, get_access_token_for(apis, owner, "read_films"))["aud"] == FILMS
    assert resource(apis, "update", FILMS, "--scope", "watch_films").returncode == 0
    assert wait_until(lambda: claims_of(apis, get_access_token_for(apis, owner, "read_films"))[
        "aud"] == owner["client_id"], timeout=2)
    assert resource(apis, "delete", BOOKS).returncode == 0
    assert wait_until(lambda: apis.token_basic(owner, resource=BOOKS).status_code == 400,
                      timeout=2)
    assert_oauth_error(apis.token_basic(owner, resource=BOOKS), 400, "invalid_target")


def get_access_token_for(server, owner, scope):
    return get_token(server, owner, scope=scope)["access_token"]


def test_with_no_resource_registered_aud_stays_the_client(server):
    owner = make_owner(server)
    claims = claims_of(server, get_token(server, owner)["access_token"])
    assert claims["aud"] == owner["client_id"]


@pytest.mark.parametrize("target", ["https://unknown.example.com", "not a uri",
                                    BOOKS + "#frag"])
def test_unknown_or_malformed_resource_is_invalid_target(apis, target):
    owner = make_owner(apis, scope="read_books")
    resp = apis.token_basic(owner, resource=target)
    assert_oauth_error(resp, 400, "invalid_target")


def test_resource_the_client_has_no_scope_of_is_invalid_target(apis):
    owner = make_owner(apis, scope="read_books")
    assert_oauth_error(apis.token_basic(owner, resource=FILMS), 400, "invalid_target")
    # nor by asking for a scope of another resource
    resp = apis.token_basic(owner, resource=FILMS, scope="read_books")
    assert_oauth_error(resp, 400, "invalid_target")


def test_resource_chooses_format_and_lifetime(apis):
    apis.cli_json("resource", "update", FILMS, "--access-token-format", "opaque",
                  "--access-token-ttl", "120")
    owner = make_owner(apis, scope="read_books read_films")
    body = wait_until(lambda: (lambda b: b if b["expires_in"] == 120 else None)(
        get_token(apis, owner, resource=FILMS)), timeout=3)
    assert body, "the resource's lifetime was not used"
    assert body["access_token"].count(".") == 0  # opaque
    books = get_token(apis, owner, resource=BOOKS)
    assert books["expires_in"] == 3600 and books["access_token"].count(".") == 2


# -- introspection and discovery ------------------------------------------------


def introspect(server, caller, token):
    return requests.post(server.url("/introspect"), data={"token": token},
                         auth=(caller["client_id"], caller["client_secret"]), timeout=10)


@pytest.mark.parametrize("fmt", ["jwt", "opaque"])
def test_introspection_carries_aud_and_applies_the_audience_rule(apis, fmt):
    owner = make_owner(apis, fmt=fmt, scope="read_books read_films")
    books_rs = apis.create_client(name="books-rs", scope=f"token_introspection {BOOKS}")
    films_rs = apis.create_client(name="films-rs", scope=f"token_introspection {FILMS}")
    token = get_token(apis, owner, resource=BOOKS)["access_token"]
    answer = introspect(apis, books_rs, token).json()
    assert answer["active"] is True and answer["aud"] == BOOKS
    # the token for one API is not active for another
    assert introspect(apis, films_rs, token).json() == {"active": False}
    both = get_token(apis, owner, scope="read_books read_films")["access_token"]
    answer = introspect(apis, films_rs, both).json()
    assert answer["active"] is True and sorted(answer["aud"]) == [BOOKS, FILMS]


def test_discovery_lists_declared_scopes_only(make_server):
    server = make_server(config={"scope.birthday": {"claims": "birthdate"}})
    create_resource(server, BOOKS, "read_books add_books")
    server.create_client(name="rs", scope="token_introspection secret_client_scope")
    scopes = wait_until(lambda: (lambda s: s if "read_books" in s else None)(
        server.get("/.well-known/openid-configuration").json()["scopes_supported"]), timeout=3)
    assert scopes, "the resource's scopes were not published"
    assert "add_books" in scopes and "birthday" in scopes and "openid" in scopes
    assert "secret_client_scope" not in scopes and "token_introspection" not in scopes


def test_gate_checks_the_audience(apis):
    owner = make_owner(apis, scope="read_books read_films")
    token = get_token(apis, owner, resource=BOOKS)["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    ok = apis.get(f"/gate?scope=read_books&audience={BOOKS}", headers=headers)
    assert ok.status_code == 200, ok.text
    other = apis.get(f"/gate?audience={FILMS}", headers=headers)
    assert other.status_code == 401
    assert 'error="invalid_token"' in other.headers["WWW-Authenticate"]
    assert apis.get("/gate?scope=read_books", headers=headers).status_code == 200
