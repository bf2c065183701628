"""How /token reads what it is sent: parameters without a value count as
omitted (RFC 6749 §3.1), and optional white space around header values is
not part of them (RFC 9110 §5.5, §5.6.3)."""

import requests

from conftest import HTTP_TIMEOUT, assert_oauth_error, basic_header


def post_raw(server, body, headers):
    return requests.post(server.url("/token"), data=body, headers=headers, timeout=HTTP_TIMEOUT)


def form_headers(client, **extra):
    return {"Content-Type": "application/x-www-form-urlencoded",
            "Authorization": basic_header(client["client_id"], client["client_secret"]),
            **extra}


def assert_granted(resp, scope="read write admin"):
    assert resp.status_code == 200, resp.text
    assert set(resp.json()["scope"].split()) == set(scope.split())


# -- parameters sent without a value --------------------------------------------

def test_empty_grant_type_is_missing(server, client):
    resp = post_raw(server, b"grant_type=", form_headers(client))
    assert_oauth_error(resp, 400, "invalid_request")
    assert "grant_type is required" in resp.json().get("error_description", "")


def test_grant_type_without_equals_is_missing(server, client):
    resp = post_raw(server, b"grant_type&scope=read", form_headers(client))
    assert_oauth_error(resp, 400, "invalid_request")
    assert "grant_type is required" in resp.json().get("error_description", "")


def test_empty_duplicate_is_not_a_duplicate(server, client):
    resp = post_raw(server, b"grant_type=&grant_type=client_credentials&scope=&scope=read",
                    form_headers(client))
    assert_granted(resp, "read")


def test_empty_client_secret_beside_basic_is_ignored(server, client):
    resp = post_raw(server, b"grant_type=client_credentials&client_secret=", form_headers(client))
    assert_granted(resp)


def test_empty_client_id_beside_basic_is_ignored(server, client):
    resp = post_raw(server, b"grant_type=client_credentials&client_id=", form_headers(client))
    assert_granted(resp)


def test_empty_scope_asks_for_the_client_scope(server, client):
    resp = post_raw(server, b"grant_type=client_credentials&scope=", form_headers(client))
    assert_granted(resp)


def test_empty_client_secret_in_body_is_no_secret(server, post_client):
    body = (f"grant_type=client_credentials&client_id={post_client['client_id']}"
            "&client_secret=").encode()
    resp = post_raw(server, body, {"Content-Type": "application/x-www-form-urlencoded"})
    assert_oauth_error(resp, 401, "invalid_client")


# -- white space around header values ---------------------------------------------

def test_basic_header_with_trailing_white_space(server, client):
    for tail in ["  ", "\t", " \t "]:
        value = basic_header(client["client_id"], client["client_secret"]) + tail
        assert_granted(post_raw(server, b"grant_type=client_credentials",
                                form_headers(client, Authorization=value)))


def test_content_type_with_tab_before_parameters(server, client):
    for value in ["application/x-www-form-urlencoded\t; charset=UTF-8",
                  "application/x-www-form-urlencoded \t;charset=utf-8",
                  "application/x-www-form-urlencoded\t"]:
        assert_granted(post_raw(server, b"grant_type=client_credentials",
                                form_headers(client, **{"Content-Type": value})))


def test_other_content_type_after_white_space_is_refused(server, client):
    value = "application/x-www-form-urlencoded\tx"
    resp = post_raw(server, b"grant_type=client_credentials",
                    form_headers(client, **{"Content-Type": value}))
    assert_oauth_error(resp, 400, "invalid_request")
