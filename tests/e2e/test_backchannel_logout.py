"""OpenID Connect Back-Channel Logout 1.0: clients register a
backchannel_logout_uri (§2.2), checked and stored by `oidcd client`."""

import json

import pytest


# -- registration ---------------------------------------------------------------


def create(server, *flags):
    return server.cli("client", "create", "--name", "x", "--redirect-uri",
                      "https://rp.example/cb", *flags, "--json")


@pytest.mark.parametrize("uri", [
    "https://rp.example/backchannel",
    "https://rp.example:8443/bc?tenant=1",
    "http://127.0.0.1:9/bc",
    "http://localhost/bc",
    "http://[::1]:8080/bc",
])
def test_cli_accepts_good_uris(server, uri):
    result = create(server, "--backchannel-logout-uri", uri,
                    "--backchannel-logout-session-required", "true")
    assert result.returncode == 0, result.stderr
    made = json.loads(result.stdout)
    assert made["backchannel_logout_uri"] == uri
    assert made["backchannel_logout_session_required"] is True
    shown = server.cli_json("client", "show", made["client_id"])
    assert shown["backchannel_logout_uri"] == uri
    assert shown["backchannel_logout_session_required"] is True
    text = server.cli("client", "show", made["client_id"]).stdout
    assert f"backchannel_logout_uri: {uri}" in text


@pytest.mark.parametrize("uri, why", [
    ("http://rp.example/bc", "https"),
    ("https://rp.example/bc#frag", "fragment"),
    ("/relative/bc", "absolute"),
    ("rp.example/bc", "absolute"),
    ("ftp://rp.example/bc", "https"),
    ("javascript:alert(1)", "javascript"),
    ("https://user@rp.example/bc", "user info"),
    ("https://", "host"),
    ("https://rp.example/" + "a" * 3000, "bytes"),
])
def test_cli_refuses_bad_uris(server, uri, why):
    result = create(server, "--backchannel-logout-uri", uri)
    assert result.returncode != 0
    assert "back-channel logout URI" in result.stderr and why in result.stderr, result.stderr
    assert server.cli_json("client", "list") == []


def test_cli_refuses_bad_session_required(server):
    result = create(server, "--backchannel-logout-session-required", "yes")
    assert result.returncode != 0
    assert "--backchannel-logout-session-required" in result.stderr


def test_cli_defaults_update_and_removal(server):
    made = json.loads(create(server).stdout)
    assert made["backchannel_logout_uri"] is None
    assert made["backchannel_logout_session_required"] is False
    cid = made["client_id"]
    result = server.cli("client", "update", cid, "--backchannel-logout-uri",
                        "https://rp.example/bc", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["backchannel_logout_uri"] == "https://rp.example/bc"
    bad = server.cli("client", "update", cid, "--backchannel-logout-uri", "http://rp.example/bc")
    assert bad.returncode != 0
    assert server.cli_json("client", "show", cid)["backchannel_logout_uri"] == \
        "https://rp.example/bc"
    result = server.cli("client", "update", cid, "--backchannel-logout-uri", "", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["backchannel_logout_uri"] is None
