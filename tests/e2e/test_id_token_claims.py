"""tokens.id_token_include_claims (OpenID Connect Core §5.4): off by default,
the scope's claims go to userinfo only; on, the ID token carries them too. A
code whose user was disabled since is no grant while the claims are asked."""

from conftest import jwt_claims_unverified, verify_jwt
from user_token_support import CLAIMS, create_rp, create_user, redeem_code, seed_code, user_tokens


def test_claims_stay_out_of_the_id_token_by_default(server):
    alice = create_user(server)
    tokens = user_tokens(server, create_rp(server), alice["sub"], "openid email")
    claims = jwt_claims_unverified(tokens["id_token"])
    assert claims["sub"] == alice["sub"]
    assert "email" not in claims


def test_include_claims_puts_the_scope_claims_in(make_server):
    server = make_server(config={"tokens": {"id_token_include_claims": "true"}})
    alice = create_user(server)
    rp = create_rp(server)
    tokens = user_tokens(server, rp, alice["sub"], "openid email address")
    _, claims = verify_jwt(tokens["id_token"], server.jwks())
    assert claims["sub"] == alice["sub"] and claims["aud"] == rp["client_id"]
    assert claims["email"] == CLAIMS["email"] and claims["email_verified"] is True
    assert claims["address"] == CLAIMS["address"]
    assert "name" not in claims and "phone_number" not in claims


def test_disabled_user_code_is_invalid_grant(make_server):
    server = make_server(config={"tokens": {"id_token_include_claims": "true"}})
    alice = create_user(server)
    rp = create_rp(server)
    code = seed_code(server, rp, alice["sub"], "openid email")
    assert server.cli("user", "update", "alice", "--disable").returncode == 0
    resp = redeem_code(server, rp, code)
    assert resp.status_code == 400, resp.text
    assert resp.json()["error"] == "invalid_grant"
