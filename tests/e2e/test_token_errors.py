"""Token endpoint errors: RFC 6749 §5.2 codes, statuses, limits."""

import socket

import requests

from conftest import assert_basic_challenge, assert_oauth_error, recv_until_closed, wait_until


def flip_last_char(text):
    return text[:-1] + ("A" if text[-1] != "A" else "B")


# -- client authentication ---------------------------------------------------

def test_unknown_client_basic(server, client):
    resp = server.post_token(auth=("no-such-client", client["client_secret"]))
    assert_oauth_error(resp, 401, "invalid_client")
    assert_basic_challenge(resp)


def test_wrong_secret_same_length_basic(server, client):
    wrong = flip_last_char(client["client_secret"])
    assert len(wrong) == len(client["client_secret"])
    resp = server.post_token(auth=(client["client_id"], wrong))
    assert_oauth_error(resp, 401, "invalid_client")
    assert_basic_challenge(resp)


def test_wrong_secret_shorter_basic(server, client):
    resp = server.post_token(auth=(client["client_id"], client["client_secret"][:-1]))
    assert_oauth_error(resp, 401, "invalid_client")
    assert_basic_challenge(resp)


def test_wrong_secret_longer_basic(server, client):
    resp = server.post_token(auth=(client["client_id"], client["client_secret"] + "x"))
    assert_oauth_error(resp, 401, "invalid_client")
    assert_basic_challenge(resp)


def test_empty_secret_basic(server, client):
    resp = server.post_token(auth=(client["client_id"], ""))
    assert_oauth_error(resp, 401, "invalid_client")
    assert_basic_challenge(resp)


def test_unknown_client_body(server, post_client):
    resp = server.post_token({"grant_type": "client_credentials",
                              "client_id": "no-such-client",
                              "client_secret": post_client["client_secret"]})
    assert_oauth_error(resp, 401, "invalid_client")


def test_wrong_secret_body(server, post_client):
    resp = server.post_token({"grant_type": "client_credentials",
                              "client_id": post_client["client_id"],
                              "client_secret": flip_last_char(post_client["client_secret"])})
    assert_oauth_error(resp, 401, "invalid_client")


def test_no_credentials_at_all(server, client):
    resp = server.post_token({"grant_type": "client_credentials"})
    assert_oauth_error(resp, 401, "invalid_client")


def test_basic_and_body_credentials_together(server, client):
    resp = server.post_token({"grant_type": "client_credentials",
                              "client_id": client["client_id"],
                              "client_secret": client["client_secret"]},
                             auth=(client["client_id"], client["client_secret"]))
    assert_oauth_error(resp, 400, "invalid_request")


def test_basic_client_using_body_is_refused(server, client):
    assert client["token_endpoint_auth_method"] == "client_secret_basic"
    assert_oauth_error(server.token_post(client), 401, "invalid_client")


def test_post_client_using_basic_is_refused(server, post_client):
    resp = server.token_basic(post_client)
    assert_oauth_error(resp, 401, "invalid_client")
    assert_basic_challenge(resp)


def test_malformed_basic_header(server, client):
    resp = server.post_token(headers={"Authorization": "Basic !!!not-base64!!!"})
    assert resp.status_code in (400, 401), resp.text
    assert resp.json()["error"] in ("invalid_client", "invalid_request")
    assert "no-store" in resp.headers.get("Cache-Control", "")


# -- request shape -------------------------------------------------------------

def test_missing_grant_type(server, client):
    resp = server.post_token({"scope": "read"}, auth=(client["client_id"], client["client_secret"]))
    assert_oauth_error(resp, 400, "invalid_request")


def test_duplicated_grant_type(server, client):
    data = [("grant_type", "client_credentials"), ("grant_type", "client_credentials")]
    resp = server.post_token(data, auth=(client["client_id"], client["client_secret"]))
    assert_oauth_error(resp, 400, "invalid_request")


def test_duplicated_scope(server, client):
    data = [("grant_type", "client_credentials"), ("scope", "read"), ("scope", "write")]
    resp = server.post_token(data, auth=(client["client_id"], client["client_secret"]))
    assert_oauth_error(resp, 400, "invalid_request")


def test_unsupported_grant_type(server, client):
    resp = server.post_token({"grant_type": "foo"},
                             auth=(client["client_id"], client["client_secret"]))
    assert_oauth_error(resp, 400, "unsupported_grant_type")


def test_client_without_client_credentials_grant(server):
    client = server.create_client(name="web", grant_types="authorization_code",
                                  response_types="code",
                                  redirect_uri="http://127.0.0.1:9/cb")
    assert "client_credentials" not in client["grant_types"]
    assert_oauth_error(server.token_basic(client), 400, "unauthorized_client")


def test_public_client_is_unauthorized(server):
    client = server.create_client(name="spa", type="public",
                                  grant_types="client_credentials")
    assert client["type"] == "public"
    resp = server.post_token({"grant_type": "client_credentials",
                              "client_id": client["client_id"]})
    assert_oauth_error(resp, 400, "unauthorized_client")


def test_json_content_type_is_refused(server, client):
    resp = requests.post(server.url("/token"), json={"grant_type": "client_credentials"},
                         auth=(client["client_id"], client["client_secret"]), timeout=10)
    assert_oauth_error(resp, 400, "invalid_request")


def test_missing_content_type_is_refused(server, client):
    resp = requests.post(server.url("/token"), data=b"grant_type=client_credentials",
                         auth=(client["client_id"], client["client_secret"]), timeout=10)
    assert "Content-Type" not in resp.request.headers
    assert_oauth_error(resp, 400, "invalid_request")


def test_form_content_type_with_charset_is_accepted(server, client):
    resp = requests.post(server.url("/token"), data=b"grant_type=client_credentials",
                         headers={"Content-Type":
                                  "application/x-www-form-urlencoded; charset=UTF-8"},
                         auth=(client["client_id"], client["client_secret"]), timeout=10)
    assert resp.status_code == 200, resp.text


def test_body_over_16k_is_413(server, client):
    data = {"grant_type": "client_credentials", "pad": "x" * (17 * 1024)}
    resp = server.post_token(data, auth=(client["client_id"], client["client_secret"]))
    assert_oauth_error(resp, 413, "invalid_request")


def test_body_just_under_16k_is_accepted(server, client):
    # Unknown parameters are ignored (RFC 6749 §3.2), so padding is harmless.
    data = {"grant_type": "client_credentials", "pad": "x" * (15 * 1024)}
    resp = server.post_token(data, auth=(client["client_id"], client["client_secret"]))
    assert resp.status_code == 200, resp.text


def test_more_than_64_parameters(server, client):
    data = [("grant_type", "client_credentials")] + [(f"p{i}", "x") for i in range(64)]
    assert len(data) == 65
    resp = server.post_token(data, auth=(client["client_id"], client["client_secret"]))
    assert_oauth_error(resp, 400, "invalid_request")


def test_64_parameters_are_accepted(server, client):
    data = [("grant_type", "client_credentials")] + [(f"p{i}", "x") for i in range(63)]
    assert len(data) == 64
    resp = server.post_token(data, auth=(client["client_id"], client["client_secret"]))
    assert resp.status_code == 200, resp.text


def test_header_block_over_32k_is_refused(server, client):
    request = (f"POST /token HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
               f"X-Padding: {'a' * (40 * 1024)}\r\n"
               "Content-Type: application/x-www-form-urlencoded\r\n"
               "Content-Length: 29\r\n\r\ngrant_type=client_credentials").encode()
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        try:
            sock.sendall(request)
        except (BrokenPipeError, ConnectionResetError):
            pass
        response = recv_until_closed(sock, timeout=5.0, until=b"\r\n\r\n")
    status_line = response.split(b"\r\n", 1)[0].decode(errors="replace")
    parts = status_line.split()
    assert len(parts) >= 2 and parts[0].startswith("HTTP/1."), status_line
    assert int(parts[1]) in (400, 413, 431), status_line
    assert server.is_healthy()
    assert server.token_basic(client).status_code == 200


def test_get_token_is_405(server):
    resp = server.get("/token")
    assert resp.status_code == 405
    assert "POST" in resp.headers.get("Allow", "")


# -- CLI changes take effect while the server runs ------------------------------

def test_deleted_client_is_refused(server, client):
    assert server.token_basic(client).status_code == 200
    assert server.cli("client", "delete", client["client_id"]).returncode == 0
    refused = wait_until(lambda: server.token_basic(client).status_code == 401)
    assert refused
    resp = server.token_basic(client)
    assert_oauth_error(resp, 401, "invalid_client")
    assert_basic_challenge(resp)


def test_disabled_client_is_refused(server, client):
    assert server.token_basic(client).status_code == 200
    assert server.cli("client", "update", client["client_id"], "--disable").returncode == 0
    assert wait_until(lambda: server.token_basic(client).status_code == 401)
    assert_oauth_error(server.token_basic(client), 401, "invalid_client")


def test_reenabled_client_works_again(server, client):
    assert server.cli("client", "update", client["client_id"], "--disable").returncode == 0
    assert wait_until(lambda: server.token_basic(client).status_code == 401)
    assert server.cli("client", "update", client["client_id"], "--enable").returncode == 0
    assert wait_until(lambda: server.token_basic(client).status_code == 200)


def test_rotated_secret_is_required(server, client):
    assert server.token_basic(client).status_code == 200
    rotated = server.cli_json("client", "rotate-secret", client["client_id"])
    new_secret = rotated["client_secret"]
    assert new_secret and new_secret != client["client_secret"]
    assert wait_until(lambda: server.token_basic(client).status_code == 401)
    assert_oauth_error(server.token_basic(client), 401, "invalid_client")
    resp = server.post_token(auth=(client["client_id"], new_secret))
    assert resp.status_code == 200, resp.text


def test_scope_reduced_by_update_applies(server, client):
    assert server.cli("client", "update", client["client_id"], "--scope", "read").returncode == 0
    assert wait_until(lambda: server.token_basic(client, scope="write").status_code == 400)
    assert_oauth_error(server.token_basic(client, scope="write"), 400, "invalid_scope")
    assert server.token_basic(client).json()["scope"] == "read"
