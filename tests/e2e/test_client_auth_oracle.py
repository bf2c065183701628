"""Client authentication tells no one which client ids exist (issue 10 §2):
an unknown client, a wrong secret, a disabled client and the wrong method get
the same invalid_client answer; the precise reason is in the server log."""

from conftest import assert_basic_challenge, assert_oauth_error, wait_until


def test_every_client_authentication_failure_reads_the_same(server, client, post_client):
    disabled = server.create_client(name="off")
    assert server.cli("client", "update", disabled["client_id"], "--disable").returncode == 0
    attempts = {
        "unknown client": server.post_token(auth=("no-such-client", "x" * 43)),
        "wrong client secret": server.post_token(auth=(client["client_id"], "x" * 43)),
        "client must authenticate with its registered method": server.post_token(
            auth=(post_client["client_id"], post_client["client_secret"])),
        "client is disabled": wait_until(lambda: (lambda r: r if r.status_code == 401 else None)(
            server.post_token(auth=(disabled["client_id"], disabled["client_secret"]))),
            timeout=3),
    }
    bodies = set()
    for reason, resp in attempts.items():
        assert_oauth_error(resp, 401, "invalid_client")
        assert_basic_challenge(resp)
        bodies.add(resp.text)
    assert len(bodies) == 1, bodies
    log = server.log_text()
    for reason in attempts:
        assert reason in log, reason
    assert client["client_secret"] not in log
