#!/usr/bin/python3
"""Writes the seed corpora under fuzz/corpus/<target>/.

Run from the repository root: /usr/bin/python3 fuzz/make_corpus.py [real.json]
Needs python3-jwcrypto. real.json (optional) holds what a running oidcd gave
out: {"token": ..., "jwks": {...}, "body": "...", "config": "..."}; its files
are named real-*. Seeds are rewritten, never deleted: reproducers of past
findings (crash-*) stay.
"""

import base64
import json
import sys
from pathlib import Path

from jwcrypto import jwk, jws

ROOT = Path(__file__).resolve().parent / "corpus"


def put(target, name, data):
    d = ROOT / target
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(data.encode() if isinstance(data, str) else data)


def b64u(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def b64u_json(obj):
    return b64u(json.dumps(obj, separators=(",", ":")).encode())


def form():
    seeds = {
        "cc": "grant_type=client_credentials&scope=read+write",
        "cc-post": "grant_type=client_credentials&client_id=abc&client_secret=s3cr%2Bt%2F%3D",
        "code": "grant_type=authorization_code&code=SplxlOBeZQQYbYS6WxSbIA"
                "&redirect_uri=https%3A%2F%2Fclient.example.com%2Fcb&code_verifier=dBjftJeZ4CVP",
        "refresh": "grant_type=refresh_token&refresh_token=tGzv3JOkF0XG5Qx2TlKWIA&scope=openid",
        "authorize": "response_type=code&client_id=s6BhdRkqt3&state=xyz&redirect_uri="
                     "https%3A%2F%2Fclient%2Eexample%2Ecom%2Fcb&scope=openid%20profile&nonce=n-0S6",
        "introspect": "token=eyJhbGciOiJSUzI1NiJ9.e30.sig&token_type_hint=access_token",
        "revoke": "token=45ghiukldjahdnhzdauz&token_type_hint=refresh_token",
        "dup": "scope=a&scope=b",
        "empty-pairs": "a=1&&b=2&",
        "no-value": "flag&x=&=y",
        "bad-pct": "a=%zz",
        "short-pct": "a=%4",
        "pct-nul": "a=%00",
        "pct-crlf": "a=b%0d%0aSet-Cookie:x",
        "utf8": "name=%C3%A9l%C3%A8ve&x=%E2%82%AC",
        "plus": "q=a+b+%2B+c",
        "many": "&".join(f"p{i}={i}" for i in range(64)),
        "too-many": "&".join(f"p{i}={i}" for i in range(65)),
        "empty": "",
    }
    for name, text in seeds.items():
        put("form", name, text)


def basic():
    def hdr(cid, secret, scheme="Basic "):
        return scheme + base64.b64encode(f"{cid}:{secret}".encode()).decode()

    seeds = {
        "plain": hdr("s6BhdRkqt3", "7Fjfp0ZBr1KtDRbnfVdmIw"),
        "rfc-example": "Basic czZCaGRSa3F0Mzo3RmpmcDBaQnIxS3REUmJuZlZkbUl3",
        "form-encoded": hdr("my%3Aclient", "p%40ss+word%2B"),
        "lower-scheme": hdr("a", "b", "basic "),
        "extra-spaces": hdr("a", "b", "Basic    "),
        "no-padding": "Basic " + base64.b64encode(b"ab:cd").decode().rstrip("="),
        "empty-secret": hdr("client", ""),
        "empty-id": hdr("", "secret"),
        "no-colon": "Basic " + base64.b64encode(b"justanid").decode(),
        "colon-in-secret": hdr("id", "a:b:c"),
        "bad-b64": "Basic !!!!",
        "bad-pct": hdr("id%zz", "x"),
        "ctl": "Basic " + base64.b64encode(b"id\x01:x").decode(),
        "pct-nul": hdr("id", "%00"),
        "bearer": "Bearer abc.def.ghi",
        "scheme-only": "Basic ",
        "long-id": hdr("i" * 129, "s"),
        "long-secret": hdr("id", "s" * 257),
        "url-alphabet": "Basic " + base64.urlsafe_b64encode(b"\xfb\xff:\xfe").decode(),
    }
    for name, text in seeds.items():
        put("basic", name, text)


def challenge(flags, size, realm, error="", desc="", scope=""):
    return bytes([flags, size]) + b"\0".join(
        p.encode() if isinstance(p, str) else p for p in (realm, error, desc, scope))


def bearer():
    seeds = {
        "token": b"Bearer mF_9.B5f-4.1JqM",
        "jwt": b"Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln",
        "lower": b"bearer abc",
        "padding": b"Bearer abc==",
        "spaces": b"   Bearer    abc   ",
        "no-token": b"Bearer",
        "no-token-sp": b"Bearer   ",
        "bad-char": b"Bearer abc def",
        "other-scheme": b"Basic YTpi",
        "bearerx": b"Bearerx abc",
        "tab": b"Bearer\tabc",
        "long": b"Bearer " + b"a" * 8193,
        "ch-invalid-token": challenge(3, 255, "oidcd", "invalid_token", "the token expired"),
        "ch-scope": challenge(5, 255, "oidcd", "insufficient_scope", "", "read_books admin"),
        "ch-quotes": challenge(7, 255, 'a"b\\c', 'e"', 'd\\"', 's"'),
        "ch-crlf": challenge(7, 255, "r\r\nX-Injected: 1", "e\n", "d\r", "s\0"),
        "ch-nonascii": challenge(2, 255, "r\xe9alm", "", "caf\xc3\xa9 \x7f"),
        "ch-small": challenge(7, 20, "oidcd", "invalid_token", "short"),
        "ch-tiny": challenge(0, 8, "", "", "", ""),
        "ch-exact": challenge(0, 16, "abc"),
        "ch-backslashes": challenge(2, 40, "\\\\\\\\", "", "\\" * 30),
    }
    for name, data in seeds.items():
        put("bearer", name, data)


def jwt(real):
    rs = jwk.JWK.generate(kty="RSA", size=2048, kid="fuzz-rs256", alg="RS256", use="sig")
    es = jwk.JWK.generate(kty="EC", crv="P-256", kid="fuzz-es256", alg="ES256", use="sig")
    other = jwk.JWK.generate(kty="EC", crv="P-256", kid="other", alg="ES256", use="sig")
    claims = {"iss": "https://issuer.example", "aud": "fuzz-client", "sub": "alice",
              "exp": 1700003600, "iat": 1700000000, "scope": "read_books"}

    def sign(key, kid, alg, hdr_extra=None, payload=claims):
        s = jws.JWS(json.dumps(payload, separators=(",", ":")))
        hdr = {"alg": alg, "kid": kid, "typ": "at+jwt", **(hdr_extra or {})}
        s.add_signature(key, alg=alg, protected=json.dumps(hdr, separators=(",", ":")))
        return s.serialize(compact=True)

    tok = sign(rs, "fuzz-rs256", "RS256")
    h, p, sig = tok.split(".")
    tokens = {
        "rs256": tok,
        "es256": sign(es, "fuzz-es256", "ES256"),
        "ps256": sign(rs, "fuzz-rs256", "PS256"),
        "unknown-kid": sign(other, "other", "ES256"),
        "alg-none": b64u_json({"alg": "none", "typ": "at+jwt"}) + "." + p + ".",
        "hs256": b64u_json({"alg": "HS256", "kid": "fuzz-rs256"}) + "." + p + "." + sig,
        "alg-mismatch": b64u_json({"alg": "ES256", "kid": "fuzz-rs256"}) + "." + p + "." + sig,
        "no-kid": b64u_json({"alg": "RS256"}) + "." + p + "." + sig,
        "crit": b64u_json({"alg": "RS256", "kid": "fuzz-rs256", "crit": ["exp"]}) + "." + p
                + "." + sig,
        "two-parts": h + "." + p,
        "bad-b64": h + ".!!!." + sig,
        "dup-alg": b64u(b'{"alg":"RS256","alg":"none"}') + "." + p + "." + sig,
    }
    for name, t in tokens.items():
        put("jwt", "token-" + name, b"\x01" + t.encode())
    pub = lambda k: json.loads(k.export_public())  # noqa: E731
    docs = {
        "two": {"keys": [pub(rs), pub(es)]},
        "no-alg": {"keys": [{k: v for k, v in pub(rs).items() if k != "alg"}]},
        "enc-use": {"keys": [{**pub(es), "use": "enc"}]},
        "private": {"keys": [json.loads(es.export_private())]},
        "hs-oct": {"keys": [{"kty": "oct", "k": "c2VjcmV0", "alg": "HS256"}]},
        "ec-p384": {"keys": [{**json.loads(jwk.JWK.generate(kty="EC", crv="P-384")
                                            .export_public()), "alg": "ES256"}]},
        "rsa-as-es": {"keys": [{**pub(rs), "alg": "ES256"}]},
        "not-array": {"keys": {}},
        "bad-n": {"keys": [{"kty": "RSA", "n": "AQAB", "e": "AQAB", "kid": "fuzz-rs256"}]},
    }
    for name, doc in docs.items():
        put("jwt", "jwks-" + name, b"\x00" + json.dumps(doc).encode())
    payloads = {
        "good": claims,
        "aud-list": {**claims, "aud": ["x", "fuzz-client"]},
        "expired": {**claims, "exp": 1600000000},
        "nbf-future": {**claims, "nbf": 1800000000},
        "no-exp": {k: v for k, v in claims.items() if k != "exp"},
    }
    for name, payload in payloads.items():
        put("jwt", "claims-" + name, b"\x02" + json.dumps(payload).encode())
    (ROOT / "jwt" / "claims-rs256").write_bytes(b"\x02" + json.dumps(claims).encode())
    (ROOT / "jwt" / "claims-not-json").write_bytes(b"\x05not json at all")
    if real:
        put("jwt", "real-token", b"\x01" + real["token"].encode())
        put("jwt", "real-jwks", b"\x00" + json.dumps(real["jwks"]).encode())


def config(real):
    seeds = {
        "minimal": "[server]\nissuer = https://login.example.com\n",
        "full": "[server]\nissuer = https://login.example.com/oidc\nlisten = 0.0.0.0:8443\n"
                "threads = 4\nconnection_timeout = 30\n\n[database]\nurl = sqlite:/var/lib/oidcd/db\n"
                "\n[tokens]\naccess_token_ttl = 900\n\n[keys]\nencryption_key_file = /etc/oidcd/kek\n"
                "algorithm = ES256\npublish_ahead = 120\n\n[log]\nlevel = debug\n\n"
                "[introspection]\nvalidate_audience_scope = no\nresponse_scope = on\n",
        "ipv6": "[server]\nlisten = [::1]:8000\n",
        "comments": "; comment\n# other\n[server]\nthreads = 2 ; inline\n",
        "empty": "",
        "unknown-key": "[server]\nbogus = 1\n",
        "unknown-section": "[nope]\nx = y\n",
        "bad-issuer-slash": "[server]\nissuer = https://a.example/\n",
        "bad-issuer-query": "[server]\nissuer = https://a.example?x=1\n",
        "bad-issuer-scheme": "[server]\nissuer = ftp://a.example\n",
        "bad-port": "[server]\nlisten = 127.0.0.1:70000\n",
        "no-port": "[server]\nlisten = localhost\n",
        "bad-long": "[tokens]\naccess_token_ttl = 12abc\n",
        "overflow-long": "[tokens]\naccess_token_ttl = 99999999999999999999999\n",
        "bad-bool": "[introspection]\nresponse_scope = maybe\n",
        "bad-choice": "[keys]\nalgorithm = HS256\n",
        "empty-string": "[database]\nurl =\n",
        "syntax": "[server\nissuer\n",
        "long-value": "[database]\nurl = sqlite:" + "a" * 1100 + "\n",
        "crlf": "[server]\r\nthreads = 1\r\n",
        "bom": "\ufeff[server]\nthreads = 1\n",
        "continuation": "[server]\nissuer = https://a.example\n  continued\n",
    }
    for name, text in seeds.items():
        put("config", name, text)
    if real:
        put("config", "real-e2e", real["config"])


def scope():
    seeds = {
        "openid": "openid profile email",
        "subset": "read\0read write admin",
        "not-subset": "read delete\0read write",
        "dups": "a a b b a",
        "spaces": "   a    b   ",
        "empty": "",
        "quote": 'read"x',
        "backslash": "a\\b",
        "tab": "a\tb",
        "nonascii": "lecture caf\xc3\xa9",
        "token-introspection": "token_introspection client-1\0token_introspection",
        "max": " ".join(f"s{i}" for i in range(64)),
        "too-many": " ".join(f"s{i}" for i in range(65)),
        "too-long": "x" * 2049,
        "uri-scope": "https://api.example.com/read urn:x:y",
        "prefix": "read\0reader",
    }
    for name, text in seeds.items():
        put("scope", name, text)


def b64url():
    seeds = {
        "empty": "",
        "one": "AA",
        "two": "AAA",
        "three": "AAAA",
        "len1": "A",
        "len5": "AAAAA",
        "url-chars": "-_-_",
        "std-chars": "+/+/",
        "padded": "AA==",
        "padded1": "AAA=",
        "bad-pad": "A===",
        "nonzero-bits": "AB",
        "nonzero-bits3": "AAB",
        "hdr": "eyJhbGciOiJSUzI1NiJ9",
        "basic": "czZCaGRSa3F0Mzo3RmpmcDBaQnIxS3REUmJuZlZkbUl3",
        "space": "AA AA",
        "nul": "AA\0A",
    }
    for name, text in seeds.items():
        put("b64url", name, text)


def redirect_uri():
    seeds = {
        "https": "https://client.example.com/cb",
        "several": "https://a.example/cb\nhttps://b.example/cb?x=1\ncom.example.app:/oauth2redirect",
        "loopback": "http://127.0.0.1:8080/cb\nhttp://[::1]/cb",
        "custom-scheme": "myapp:callback",
        "fragment": "https://a.example/cb#frag",
        "relative": "/cb",
        "no-scheme": ":foo",
        "space": "https://a.example/c b",
        "tab": "https://a.example/\tcb",
        "del": "https://a.example/\x7f",
        "nonascii": "https://b\xc3\xbccher.example/cb",
        "empty-line": "https://a.example/cb\n\nhttps://b.example/cb",
        "trailing-nl": "https://a.example/cb\n",
        "empty": "",
        "crlf": "https://a.example/cb\r\nhttps://b.example/cb",
        "max-uris": "\n".join(f"https://c{i}.example/cb" for i in range(32)),
        "too-many": "\n".join(f"https://c{i}.example/cb" for i in range(33)),
        "too-long": "https://a.example/" + "a" * 2040,
        "javascript": "javascript:alert(1)",
        "data": "data:text/html,<script>alert(1)</script>",
    }
    for name, text in seeds.items():
        put("redirect_uri", name, text)


def cookie():
    # the first byte picks the name fuzz_cookie.c looks for
    seeds = {
        "session": "\x00oidcd_session=AbC-_123; oidcd_csrf=xyz",
        "host": "\x01theme=dark; __Host-oidcd_csrf=q8Yb1w",
        "quoted": "\x02a=\"v\"; b=2",
        "spaces": "\x02  a = 1 ;; ; b",
        "bad-octet": "\x02a=x\\y; a=ok",
        "dup": "\x00oidcd_session=1; oidcd_session=2",
        "no-eq": "\x02a; =b; a",
        "many": "\x02" + "; ".join(f"c{i}={i}" for i in range(70)),
        "empty": "\x00",
    }
    for name, text in seeds.items():
        put("cookie", name, text)


def authorize():
    # First byte: 0 a confidential client, 1 a public one (fuzz_authorize.c).
    base = "response_type=code&client_id=rp&redirect_uri=https%3A%2F%2Frp.example%2Fcb"
    ch = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    seeds = {
        "minimal": "0" + base,
        "full": "0" + base + "&scope=openid+email+admin&state=s%20t&nonce=n&prompt=login+consent"
                "&max_age=60&login_hint=a%40b&id_token_hint=a.b.c&ui_locales=nb"
                f"&code_challenge={ch}&code_challenge_method=S256&response_mode=form_post",
        "public-s256": "1" + base + f"&code_challenge={ch}&code_challenge_method=S256",
        "public-plain": "1" + base + f"&code_challenge={ch}&code_challenge_method=plain",
        "loopback": "0response_type=code&client_id=rp&redirect_uri=http://127.0.0.1:51004/native"
                    "&prompt=none&state=x",
        "loopback6": "0response_type=code&client_id=rp&redirect_uri=http://%5B::1%5D:3/v6",
        "query-uri": "0response_type=code&client_id=rp&redirect_uri="
                     "https%3A%2F%2Frp.example%2Fcb2%3Ftenant%3Da&state=a%26b",
        "dup-state": "0" + base + "&state=x&state=y",
        "request": "0" + base + "&request=eyJ.e30.&state=x",
        "fragment": "0" + base + "&response_mode=fragment",
        "id-token": "0response_type=id_token&client_id=rp&redirect_uri="
                    "https%3A%2F%2Frp.example%2Fcb",
        "implicit": "1response_type=token+id_token&client_id=rp&redirect_uri="
                    "https%3A%2F%2Frp.example%2Fcb&scope=openid+email&nonce=n&state=s",
        "hybrid-form-post": "0response_type=code+id_token+token&client_id=rp&redirect_uri="
                            "https%3A%2F%2Frp.example%2Fcb&scope=openid&nonce=n"
                            "&response_mode=form_post",
        "hybrid-query": "0response_type=code+token&client_id=rp&redirect_uri="
                        "https%3A%2F%2Frp.example%2Fcb&response_mode=query&state=s",
        "unregistered": "0client_id=rp&redirect_uri=https://evil.example/cb",
        "dup-client": "0" + base + "&client_id=rp",
        "claims": "0" + base + "&scope=openid&state=s&claims=%7B%22userinfo%22%3A%7B%22email%22"
                  "%3Anull%7D%2C%22id_token%22%3A%7B%22sub%22%3A%7B%22value%22%3A%22u%22%7D%2C"
                  "%22acr%22%3A%7B%22essential%22%3Atrue%2C%22values%22%3A%5B%221%22%5D%7D%7D%7D",
    }
    for name, text in seeds.items():
        put("authorize", name, text)


def render():
    # the first byte picks the page (ui/render.h enum ui_page order)
    ui = Path(__file__).resolve().parent.parent / "src" / "ui" / "templates"
    pages = ["login", "consent", "error", "logout", "logged_out", "form_post", "check_session"]
    for i, page in enumerate(pages):
        put("render", "builtin-" + page, bytes([i]) + (ui / (page + ".html")).read_bytes())
    seeds = {
        "unknown": "\x00a\n{{nope}}",
        "unclosed": "\x00{{error",
        "open-section": "\x00{{#error}}x",
        "mismatch": "\x01{{#scopes}}{{/client_name}}",
        "nested": "\x01{{#scopes}}{{#description}}{{name}}{{/description}}{{/scopes}}",
        "list-as-text": "\x05{{fields}}",
        "braces": "\x02{{{{}}}}{{}}{",
    }
    for name, text in seeds.items():
        put("render", name, text)


def otp():
    seeds = {
        "empty": "",
        "code": "050471",
        "code-short": "05047",
        "code-long": "0504711",
        "code-space": "050 471",
        "code-nul": "050\x00471",
        "b32-secret": "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
        "b32-lower": "mzxw6ytboi",
        "b32-padded": "MY======",
        "b32-stray-bits": "MZ",
        "b32-len3": "MZX",
        "recovery": "abcd-efgh-ijkl-mnop-qrst-uvwx-yz23",
        "recovery-upper-spaced": " ABCD EFGH\tIJKL-MNOP-QRST-UVWX-YZ23 ",
        "recovery-digit": "abcd-efgh-ijkl-mnop-qrst-uvwx-yz21",
        "recovery-long": "abcd-efgh-ijkl-mnop-qrst-uvwx-yz23" + " " * 40,
        "utf8": "\u0661\u0662\u0663\u0664\u0665\u0666",
    }
    for name, text in seeds.items():
        put("otp", name, text)


def cbor_head(data, pos):
    """The (major type, argument, next position) of the CBOR head at pos."""
    major, info = data[pos] >> 5, data[pos] & 31
    if info < 24:
        return major, info, pos + 1
    n = 1 << (info - 24)
    return major, int.from_bytes(data[pos + 1:pos + 1 + n], "big"), pos + 1 + n


def auth_data_of(attestation):
    """authData's bytes: the byte string after the text key "authData"."""
    pos = attestation.index(b"hauthData") + len(b"hauthData")
    _, n, pos = cbor_head(attestation, pos)
    return attestation[pos:pos + n]


def webauthn_vectors():
    """The captured vectors of tests/unit/webauthn_vectors.h, as dicts."""
    import re

    text = (ROOT.parent.parent / "tests" / "unit" / "webauthn_vectors.h").read_text()
    out = []
    for entry in re.findall(r'\{"(\w+)", (-?\d+), "\w+",(.*?)\n    \}', text, re.S):
        fields = dict(
            (k, "".join(re.findall(r'"([^"]*)"', v)))
            for k, v in re.findall(r"/\* (\w+) \*/ ((?:\"[^\"]*\"\s*)+)", entry[2]))
        fields["name"] = entry[0]
        out.append(fields)
    return out


def webauthn():
    """Mode byte (see fuzz_webauthn.c) + the captured authenticator outputs."""
    for v in webauthn_vectors():
        att = base64.urlsafe_b64decode(v["attestation"] + "==")
        reg = auth_data_of(att)
        cred_len = int.from_bytes(reg[53:55], "big")
        key = reg[55 + cred_len:]
        name = v["name"]
        put("webauthn", f"{name}-attestation", b"\x00" + att)
        put("webauthn", f"{name}-reg-authdata", b"\x01" + reg)
        put("webauthn", f"{name}-get-authdata",
            b"\x01" + base64.urlsafe_b64decode(v["auth_data"] + "=="))
        put("webauthn", f"{name}-cose-key", b"\x02" + key)
        put("webauthn", f"{name}-registration", b"\x04" + att)
        auth = base64.urlsafe_b64decode(v["auth_data"] + "==")
        sig = base64.urlsafe_b64decode(v["signature"] + "==")
        index = [x["name"] for x in webauthn_vectors()].index(name)
        put("webauthn", f"{name}-assertion",
            b"\x05" + bytes([index]) + len(auth).to_bytes(2, "big") + auth + sig)
        put("webauthn", f"{name}-client-data",
            b"\x06" + base64.urlsafe_b64decode(v["get_client_data"] + "=="))
    # with extension data (ED): an empty map after the fixed fields
    put("webauthn", "authdata-ed", b"\x01" + bytes(32) + b"\x81\0\0\0\1\xa0")
    # a container that claims far more elements than bytes follow
    put("webauthn", "huge-map", b"\x02\xbb\0\0\0\xff\xff\xff\xff\xff")
    put("webauthn", "deep-array", b"\x02" + b"\x81" * 40 + b"\0")
    put("webauthn", "der-es256", b"\x03\x00" + bytes.fromhex(
        "3059301306072a8648ce3d020106082a8648ce3d03010703420004"
        "e23439e936aedd90ef67f2e31eac0ad70f310cc4eb1a0c3013a083b485958f81"
        "8772baaf2d5f861f26b53e7e1d124dcafdfef0c6178b8b32e81ca799b8335c6a"))


def main():
    real = json.loads(Path(sys.argv[1]).read_text()) if len(sys.argv) > 1 else None
    form()
    basic()
    bearer()
    jwt(real)
    config(real)
    scope()
    b64url()
    redirect_uri()
    cookie()
    authorize()
    render()
    otp()
    webauthn()
    if real:
        put("form", "real-token-response", real["body"])
        put("bearer", "real-token", "Bearer " + real["token"])


if __name__ == "__main__":
    main()
