"""Discovery documents, health, routing, and an issuer with a path."""

import pytest
import requests

from conftest import verify_jwt, write_ini

DISCOVERY_PATHS = ["/.well-known/openid-configuration",
                   "/.well-known/oauth-authorization-server"]


def assert_metadata(doc, issuer):
    assert doc["issuer"] == issuer
    assert doc["token_endpoint"] == issuer + "/token"
    assert doc["jwks_uri"] == issuer + "/jwks"
    assert "client_credentials" in doc["grant_types_supported"]
    assert "client_secret_basic" in doc["token_endpoint_auth_methods_supported"]
    assert "client_secret_post" in doc["token_endpoint_auth_methods_supported"]
    assert isinstance(doc["response_types_supported"], list)
    assert isinstance(doc["subject_types_supported"], list)
    assert "public" in doc["subject_types_supported"]
    assert "RS256" in doc["id_token_signing_alg_values_supported"]
    assert "none" not in doc["id_token_signing_alg_values_supported"]
    assert isinstance(doc["scopes_supported"], list)


@pytest.mark.parametrize("path", DISCOVERY_PATHS)
def test_discovery_document(server, path):
    resp = server.get(path)
    assert resp.status_code == 200
    assert resp.headers["Content-Type"].split(";")[0].strip() == "application/json"
    assert_metadata(resp.json(), server.issuer)


def test_jwks_uri_from_discovery_serves_keys(server):
    doc = server.get("/.well-known/openid-configuration").json()
    keys = requests.get(doc["jwks_uri"], timeout=10).json()["keys"]
    assert keys and keys == server.jwks()["keys"]


def test_healthz(server):
    assert server.get("/healthz").status_code == 200


@pytest.mark.parametrize("path", ["/nope", "/tokens", "/token/extra", "/.well-known/nope"])
def test_unknown_path_is_404(server, path):
    assert server.get(path).status_code == 404


def test_unknown_path_post_is_404(server):
    resp = requests.post(server.url("/nope"), data={"grant_type": "client_credentials"},
                         timeout=10)
    assert resp.status_code == 404


# -- issuer with a path --------------------------------------------------------

@pytest.fixture
def path_server(make_server):
    return make_server(issuer_path="/oidc")


def test_issuer_path_token_endpoint(path_server):
    assert path_server.issuer.endswith("/oidc")
    client = path_server.create_client()
    resp = path_server.token_basic(client)  # POST /oidc/token
    assert resp.url.endswith("/oidc/token")
    assert resp.status_code == 200, resp.text
    claims = verify_jwt(resp.json()["access_token"], path_server.jwks())[1]
    assert claims["iss"] == path_server.issuer


def test_issuer_path_openid_configuration(path_server):
    resp = path_server.get("/.well-known/openid-configuration")  # under /oidc
    assert resp.status_code == 200
    doc = resp.json()
    assert_metadata(doc, path_server.issuer)
    assert doc["token_endpoint"].endswith("/oidc/token")


def test_issuer_path_rfc8414_metadata(path_server):
    resp = requests.get(path_server.root_url("/.well-known/oauth-authorization-server/oidc"),
                        timeout=10)
    assert resp.status_code == 200
    assert_metadata(resp.json(), path_server.issuer)


def test_issuer_path_jwks(path_server):
    resp = requests.get(path_server.root_url("/oidc/jwks"), timeout=10)
    assert resp.status_code == 200
    assert len(resp.json()["keys"]) == 1


def test_issuer_path_unprefixed_token_is_404(path_server):
    client = path_server.create_client()
    resp = requests.post(path_server.root_url("/token"),
                         data={"grant_type": "client_credentials"},
                         auth=(client["client_id"], client["client_secret"]), timeout=10)
    assert resp.status_code == 404


def test_issuer_path_healthz(path_server):
    # The readiness poll already used issuer + /healthz; confirm it explicitly.
    assert path_server.get("/healthz").status_code == 200


# -- sign-in metadata (issue 9) ---------------------------------------------------


@pytest.mark.parametrize("path", DISCOVERY_PATHS)
def test_sign_in_metadata(server, path):
    doc = server.get(path).json()
    assert doc["authorization_endpoint"] == server.issuer + "/authorize"
    assert doc["userinfo_endpoint"] == server.issuer + "/userinfo"
    assert doc["response_types_supported"] == ["code", "id_token", "id_token token",
                                               "code id_token", "code token",
                                               "code id_token token"]
    assert doc["response_modes_supported"] == ["query", "fragment", "form_post"]
    assert doc["code_challenge_methods_supported"] == ["S256", "plain"]
    assert sorted(doc["grant_types_supported"]) == ["authorization_code", "client_credentials",
                                                    "implicit", "refresh_token"]
    assert doc["token_endpoint_auth_methods_supported"] == [
        "client_secret_basic", "client_secret_post", "none"]
    assert "none" not in doc["introspection_endpoint_auth_methods_supported"]
    assert doc["prompt_values_supported"] == ["none", "login", "consent", "select_account"]
    assert doc["authorization_response_iss_parameter_supported"] is True
    assert doc["claims_parameter_supported"] is True  # OpenID Connect Core §5.5
    for name in ("request", "request_uri"):
        assert doc[f"{name}_parameter_supported"] is False
    assert doc["subject_types_supported"] == ["public", "pairwise"]
    # an issuer at an IP address has no passkeys, so no phr
    assert doc["acr_values_supported"] == ["urn:oidcd:acr:pwd", "urn:oidcd:acr:mfa"]
    assert doc["end_session_endpoint"] == server.issuer + "/end-session"


def test_acr_phr_is_listed_where_passkeys_are_on(make_server):
    server = make_server(start=False)
    server.issuer = f"http://localhost:{server.port}"
    server.sections["server"]["issuer"] = server.issuer
    write_ini(server.config_path, server.sections)
    server.start()
    doc = server.get("/.well-known/openid-configuration").json()
    assert doc["acr_values_supported"] == ["urn:oidcd:acr:pwd", "urn:oidcd:acr:mfa",
                                           "urn:oidcd:acr:phr"]


def test_claims_supported(server):
    claims = server.get("/.well-known/openid-configuration").json()["claims_supported"]
    assert {"sub", "name", "email", "email_verified", "phone_number", "address",
            "updated_at"} <= set(claims)
    assert claims == sorted(set(claims))


def test_extra_scopes_and_claims_are_listed(make_server):
    server = make_server(config={"scope.books": {"claims": "library_card",
                                                 "description": "Your library card"},
                                 "claims": {"extra": "shoe_size"}})
    doc = server.get("/.well-known/openid-configuration").json()
    assert {"openid", "profile", "email", "phone", "address", "offline_access",
            "books"} <= set(doc["scopes_supported"])
    assert {"library_card", "shoe_size"} <= set(doc["claims_supported"])


# -- scopes_supported and caching ------------------------------------------------

@pytest.mark.parametrize("path", DISCOVERY_PATHS)
def test_scopes_supported_is_every_resource_scope_beyond_one_request_cap(server, path):
    # 64 scopes is the cap of one request; the union of all resources may exceed it
    for name, prefix in (("a", "a"), ("b", "b")):
        created = server.cli("resource", "create", "--id", f"https://{name}.example.com",
                             "--scope", " ".join(f"{prefix}{i}" for i in range(40)))
        assert created.returncode == 0, created.stderr
    # clients' scopes are not declared scopes (they hold client ids)
    server.create_client(name="c", scope="c_only a1")
    resp = server.get(path)
    assert resp.status_code == 200, resp.text
    scopes = resp.json()["scopes_supported"]
    expected = {f"a{i}" for i in range(40)} | {f"b{i}" for i in range(40)}
    assert expected <= set(scopes)
    assert "c_only" not in scopes
    assert len(scopes) == len(set(scopes))
    assert scopes == sorted(scopes)


@pytest.mark.parametrize("path", ["/jwks"] + DISCOVERY_PATHS)
def test_only_success_is_publicly_cacheable(server, path):
    ok = server.get(path)
    assert ok.status_code == 200
    assert ok.headers["Cache-Control"] == "public, max-age=60"
    status, headers, _ = server.raw("GET", path + "?a=%zz")  # requests would re-quote it
    assert status == 400
    assert headers["Cache-Control"] == "no-store"
    too_big = requests.get(server.url(path), data=b"x", timeout=10)
    assert too_big.status_code >= 400
    assert too_big.headers["Cache-Control"] == "no-store"
