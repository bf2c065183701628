"""The software authenticator of webauthn_support.py, proven without a
server: its CBOR against RFC 8949's examples and a decoder written here, its
signatures verified with keys rebuilt here from the COSE keys it sends, its
output shaped as chromium's (tests/unit/webauthn_vectors.h, whose signatures
the same checks verify), and each forging knob changing the one thing it
names."""

import hashlib
import json
import re
import struct
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa

from webauthn_support import (CHROMIUM_AAGUID, EDDSA, ES256, FLAG_AT, FLAG_BE, FLAG_BS, FLAG_ED,
                              FLAG_UP, FLAG_UV, RS256, Authenticator, RawCbor, b64url,
                              b64url_decode, cbor, passkey_form, passkey_forms)

VECTORS = Path(__file__).resolve().parents[1] / "unit" / "webauthn_vectors.h"
ORIGIN = "http://localhost:8443"


# -- a CBOR decoder of its own -------------------------------------------------


class Truncated(ValueError):
    pass


def _argument(data, pos):
    if pos >= len(data):
        raise Truncated("no head")
    major, info = data[pos] >> 5, data[pos] & 0x1F
    pos += 1
    if info < 24:
        return major, info, pos
    size = {24: 1, 25: 2, 26: 4, 27: 8}.get(info)
    if size is None:
        raise ValueError(f"indefinite or reserved length {info}")
    if pos + size > len(data):
        raise Truncated("short argument")
    return major, int.from_bytes(data[pos:pos + size], "big"), pos + size


def decode_item(data, pos=0):
    """One CBOR item at pos: (value, next position). Maps keep their order
    as a list of pairs, so that order can be compared."""
    major, n, pos = _argument(data, pos)
    if major == 0:
        return n, pos
    if major == 1:
        return -1 - n, pos
    if major in (2, 3):
        if pos + n > len(data):
            raise Truncated("short string")
        raw = data[pos:pos + n]
        return (raw if major == 2 else raw.decode()), pos + n
    if major == 4:
        out = []
        for _ in range(n):
            value, pos = decode_item(data, pos)
            out.append(value)
        return out, pos
    if major == 5:
        pairs = []
        for _ in range(n):
            key, pos = decode_item(data, pos)
            value, pos = decode_item(data, pos)
            pairs.append((key, value))
        return Pairs(pairs), pos
    if major == 7 and n in (20, 21, 22):
        return {20: False, 21: True, 22: None}[n], pos
    raise ValueError(f"unsupported CBOR major type {major}/{n}")


class Pairs(list):
    """A decoded map: its pairs in order; get() by key."""

    def order(self):
        return [k for k, _ in self]

    def get(self, key):
        found = [v for k, v in self if k == key]
        assert len(found) == 1, (key, self.order())
        return found[0]


def decode(data):
    value, end = decode_item(data)
    assert end == len(data), f"{len(data) - end} bytes after the item"
    return value


# -- authenticator data and COSE keys read here ------------------------------------


def parse_auth_data(raw):
    out = {"rp_id_hash": raw[:32], "flags": raw[32],
           "sign_count": struct.unpack(">I", raw[33:37])[0]}
    pos = 37
    if out["flags"] & FLAG_AT:
        out["aaguid"] = raw[pos:pos + 16]
        (length,) = struct.unpack(">H", raw[pos + 16:pos + 18])
        out["cred_id"] = raw[pos + 18:pos + 18 + length]
        out["key"], pos = decode_item(raw, pos + 18 + length)
    if out["flags"] & FLAG_ED:
        out["extensions"], pos = decode_item(raw, pos)
    assert pos == len(raw), "bytes after the authenticator data"
    return out


def key_of_cose(key):
    """(alg, cryptography public key) of a decoded COSE_Key."""
    kty, alg = key.get(1), key.get(3)
    if kty == 2:
        assert alg == ES256 and key.get(-1) == 1
        x, y = key.get(-2), key.get(-3)
        assert len(x) == len(y) == 32
        nums = ec.EllipticCurvePublicNumbers(int.from_bytes(x, "big"), int.from_bytes(y, "big"),
                                             ec.SECP256R1())
        return alg, nums.public_key()
    if kty == 1:
        assert alg == EDDSA and key.get(-1) == 6
        return alg, ed25519.Ed25519PublicKey.from_public_bytes(key.get(-2))
    assert kty == 3 and alg == RS256
    nums = rsa.RSAPublicNumbers(int.from_bytes(key.get(-2), "big"),
                                int.from_bytes(key.get(-1), "big"))
    return alg, nums.public_key()


def check_signature(alg, public, sig, signed):
    if alg == ES256:
        public.verify(sig, signed, ec.ECDSA(hashes.SHA256()))
    elif alg == EDDSA:
        public.verify(sig, signed)
    else:
        public.verify(sig, signed, padding.PKCS1v15(), hashes.SHA256())


def registration(fields):
    """The decoded parts of registration fields."""
    att = decode(b64url_decode(fields["attestation_object"]))
    cd = b64url_decode(fields["client_data"])
    return att, parse_auth_data(att.get("authData")), cd


def assertion_ok(fields, alg, public):
    ad = b64url_decode(fields["authenticator_data"])
    cd = b64url_decode(fields["client_data"])
    try:
        check_signature(alg, public, b64url_decode(fields["signature"]),
                        ad + hashlib.sha256(cd).digest())
        return True
    except InvalidSignature:
        return False


# -- forms as the server renders them -----------------------------------------------

CHALLENGE = bytes(range(32))
USER_ID = bytes(range(100, 116))


def page(allow=""):
    c = b64url(CHALLENGE)
    return f"""<!doctype html><html><body>
<form method="post" action="/login"><input name="username"><input name="password"></form>
<form method="post" action="/account/passkey" data-passkey="create" data-challenge="{c}"
 data-rp-id="localhost" data-timeout-ms="300000" data-user-verification="required"
 data-rp-name="oidcd" data-user-id="{b64url(USER_ID)}" data-user-name="alice"
 data-user-display-name="Alice &amp; co" data-exclude="" data-algs="-7 -8 -257">
<input type="hidden" name="csrf_token" value="csrf1">
<input type="hidden" name="challenge" value="{c}">
<input type="hidden" name="credential_id"><input type="hidden" name="client_data">
<input type="hidden" name="attestation_object"><input type="hidden" name="transports">
<label for="n">Name</label><input id="n" name="name" type="text">
<button type="submit">Add a passkey</button></form>
<form method="post" action="/login/passkey" data-passkey="get" data-challenge="{c}"
 data-rp-id="localhost" data-timeout-ms="300000" data-user-verification="required"
 data-allow="{allow}">
<input type="hidden" name="csrf_token" value="csrf1">
<input type="hidden" name="challenge" value="{c}">
<input type="hidden" name="next" value="a=b&amp;c=d"><button type="submit">Use a passkey</button>
</form></body></html>"""


def forms():
    return passkey_form(page(), "create"), passkey_form(page(), "get")


# -- CBOR ----------------------------------------------------------------------------

RFC8949_EXAMPLES = [
    (0, "00"), (1, "01"), (10, "0a"), (23, "17"), (24, "1818"), (25, "1819"), (100, "1864"),
    (1000, "1903e8"), (1000000, "1a000f4240"), (1000000000000, "1b000000e8d4a51000"),
    (18446744073709551615, "1bffffffffffffffff"), (-1, "20"), (-10, "29"), (-100, "3863"),
    (-1000, "3903e7"), (-257, "390100"), (False, "f4"), (True, "f5"), (None, "f6"),
    (b"", "40"), (bytes.fromhex("01020304"), "4401020304"), ("", "60"), ("a", "6161"),
    ("IETF", "6449455446"), ("\"\\", "62225c"), ("\u00fc", "62c3bc"), ("\u6c34", "63e6b0b4"),
    ([], "80"), ([1, 2, 3], "83010203"), ([1, [2, 3], [4, 5]], "8301820203820405"),
    (list(range(1, 26)), "98190102030405060708090a0b0c0d0e0f101112131415161718181819"),
    ({}, "a0"), ({1: 2, 3: 4}, "a201020304"), ({"a": 1, "b": [2, 3]}, "a26161016162820203"),
    (["a", {"b": "c"}], "826161a161626163"),
]


@pytest.mark.parametrize("value,hexed", RFC8949_EXAMPLES)
def test_cbor_encodes_the_rfc_examples(value, hexed):
    assert cbor(value).hex() == hexed
    back = decode(bytes.fromhex(hexed))
    if isinstance(value, dict):
        assert dict(back) == value
    elif not isinstance(value, list) or not any(isinstance(x, dict) for x in value):
        assert back == value


def test_cbor_lengths_at_the_boundaries():
    for n in (23, 24, 255, 256, 65535, 65536):
        data = bytes(n)
        assert decode(cbor(data)) == data
        assert decode(cbor("x" * n)) == "x" * n
    assert cbor(RawCbor(b"\xff")) == b"\xff"
    assert cbor([RawCbor(b"\x01"), 2]) == b"\x82\x01\x02"
    with pytest.raises(TypeError):
        cbor(1.5)


# -- the forms -------------------------------------------------------------------------


def test_forms_are_read_from_the_data_attributes():
    all_forms = passkey_forms(page())
    assert [f.kind for f in all_forms] == ["create", "get"]
    create, get = all_forms
    assert create.action == "/account/passkey" and get.action == "/login/passkey"
    assert create.challenge == CHALLENGE and create.rp_id == "localhost"
    assert create.user_id == USER_ID and create.algs == [ES256, EDDSA, RS256]
    assert create.data["user-display-name"] == "Alice & co" and create.exclude == []
    assert create.fields == {"csrf_token": "csrf1", "challenge": b64url(CHALLENGE),
                             "credential_id": "", "client_data": "", "attestation_object": "",
                             "transports": "", "name": ""}
    assert get.fields == {"csrf_token": "csrf1", "challenge": b64url(CHALLENGE), "next": "a=b&c=d"}
    assert get.allow == [] and get.user_verification == "required"
    ids = [b"\x01" * 16, b"\x02" * 20]
    assert passkey_form(page(" ".join(b64url(i) for i in ids)), "get").allow == ids
    assert passkey_form("<form action=/login></form>") is None
    assert get.url("http://localhost:1/login?next=x") == "http://localhost:1/login/passkey"
    assert get.post_data({"signature": "s"}, next="n") == {
        "csrf_token": "csrf1", "challenge": b64url(CHALLENGE), "next": "n", "signature": "s"}


# -- registration ---------------------------------------------------------------------


@pytest.mark.parametrize("alg", [ES256, EDDSA, RS256])
def test_registration_is_well_formed_and_self_consistent(alg):
    create, _ = forms()
    auth = Authenticator(alg=alg)
    fields = auth.make_credential(create, ORIGIN, name="Laptop")
    assert set(fields) == {"challenge", "credential_id", "client_data", "attestation_object",
                           "transports", "name"}
    assert fields["challenge"] == b64url(CHALLENGE) and fields["name"] == "Laptop"
    assert fields["transports"] == "internal hybrid"
    att, ad, cd = registration(fields)
    assert att.order() == ["fmt", "attStmt", "authData"]
    assert att.get("fmt") == "none" and att.get("attStmt") == []
    assert json.loads(cd) == {"type": "webauthn.create", "challenge": b64url(CHALLENGE),
                              "origin": ORIGIN, "crossOrigin": False}
    assert ad["rp_id_hash"] == hashlib.sha256(b"localhost").digest()
    assert ad["flags"] == FLAG_UP | FLAG_UV | FLAG_AT and ad["sign_count"] == 1
    assert ad["aaguid"] == CHROMIUM_AAGUID
    assert b64url(ad["cred_id"]) == fields["credential_id"] == auth.last.id
    got_alg, public = key_of_cose(ad["key"])
    assert got_alg == alg
    assert auth.last.user_handle == USER_ID and auth.last.rp_id == "localhost"
    assert public.public_bytes(*_spki()) == auth.last.public_key_der()


def _spki():
    from cryptography.hazmat.primitives import serialization
    return serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo


@pytest.mark.parametrize("alg", [ES256, EDDSA, RS256])
def test_packed_self_attestation_verifies(alg):
    create, _ = forms()
    fields = Authenticator(alg=alg).make_credential(create, ORIGIN, attestation="packed")
    att, ad, cd = registration(fields)
    assert att.get("fmt") == "packed" and att.get("attStmt").order() == ["alg", "sig"]
    assert att.get("attStmt").get("alg") == alg
    key_alg, public = key_of_cose(ad["key"])
    signed = att.get("authData") + hashlib.sha256(cd).digest()
    check_signature(key_alg, public, att.get("attStmt").get("sig"), signed)
    bad = Authenticator(alg=alg).make_credential(create, ORIGIN, attestation="packed",
                                                 corrupt_attestation_signature=True)
    att, ad, cd = registration(bad)
    key_alg, public = key_of_cose(ad["key"])
    with pytest.raises(InvalidSignature):
        check_signature(key_alg, public, att.get("attStmt").get("sig"),
                        att.get("authData") + hashlib.sha256(cd).digest())


def test_packed_with_a_certificate_chain():
    from cryptography import x509
    create, _ = forms()
    fields = Authenticator().make_credential(create, ORIGIN, attestation="packed-x5c")
    att, _, cd = registration(fields)
    stmt = att.get("attStmt")
    assert att.get("fmt") == "packed" and stmt.order() == ["alg", "sig", "x5c"]
    cert = x509.load_der_x509_certificate(stmt.get("x5c")[0])
    check_signature(ES256, cert.public_key(), stmt.get("sig"),
                    att.get("authData") + hashlib.sha256(cd).digest())


def test_registration_knobs_change_one_thing_each():
    create, _ = forms()
    auth = Authenticator()
    _, ad, cd = registration(auth.make_credential(create, "http://evil.example"))
    assert json.loads(cd)["origin"] == "http://evil.example"
    _, ad, _ = registration(auth.make_credential(create, ORIGIN, rp_id="example.com"))
    assert ad["rp_id_hash"] == hashlib.sha256(b"example.com").digest()
    _, ad, _ = registration(auth.make_credential(create, ORIGIN, up=False))
    assert ad["flags"] == FLAG_UV | FLAG_AT
    _, ad, _ = registration(auth.make_credential(create, ORIGIN, uv=False, be=True, bs=True))
    assert ad["flags"] == FLAG_UP | FLAG_AT | FLAG_BE | FLAG_BS
    _, ad, cd = registration(auth.make_credential(create, ORIGIN, challenge=b"\x07" * 32,
                                                  client_type="webauthn.get", counter=9))
    assert json.loads(cd)["challenge"] == b64url(b"\x07" * 32) and ad["sign_count"] == 9
    assert json.loads(cd)["type"] == "webauthn.get"
    fields = auth.make_credential(create, ORIGIN, raw_id=b"\x01" * 32)
    assert fields["credential_id"] == b64url(b"\x01" * 32)
    assert registration(fields)[1]["cred_id"] == auth.last.cred_id != b"\x01" * 32
    _, ad, _ = registration(auth.make_credential(create, ORIGIN, extensions={"credProtect": 2}))
    assert ad["flags"] & FLAG_ED and ad["extensions"] == [("credProtect", 2)]
    whole = b64url_decode(auth.make_credential(create, ORIGIN)["attestation_object"])
    cut = b64url_decode(auth.make_credential(create, ORIGIN, truncate=5)["attestation_object"])
    assert len(cut) == len(whole) - 5
    with pytest.raises(Truncated):
        decode(cut)
    big = b64url_decode(auth.make_credential(create, ORIGIN, pad_to=40000)["attestation_object"])
    assert len(big) == 40000 and decode(big).order() == ["fmt", "attStmt", "authData", "pad"]
    extra = auth.make_credential(create, ORIGIN, trailing=b"\x00")["attestation_object"]
    extra = b64url_decode(extra)
    with pytest.raises(AssertionError):
        decode(extra)
    assert auth.make_credential(create, ORIGIN, transports=())["transports"] == ""


# -- assertions -------------------------------------------------------------------------


@pytest.mark.parametrize("alg", [ES256, EDDSA, RS256])
def test_assertion_signature_verifies_with_the_registered_key(alg):
    create, get = forms()
    auth = Authenticator(alg=alg)
    _, ad, _ = registration(auth.make_credential(create, ORIGIN))
    key_alg, public = key_of_cose(ad["key"])
    fields = auth.get_assertion(get, ORIGIN)
    assert set(fields) == {"challenge", "credential_id", "client_data", "authenticator_data",
                           "signature", "user_handle"}
    assert fields["credential_id"] == b64url(ad["cred_id"])
    assert fields["user_handle"] == b64url(USER_ID)
    assert assertion_ok(fields, key_alg, public)
    got = parse_auth_data(b64url_decode(fields["authenticator_data"]))
    assert got["flags"] == FLAG_UP | FLAG_UV and got["sign_count"] == 2
    assert got["rp_id_hash"] == hashlib.sha256(b"localhost").digest()
    assert json.loads(b64url_decode(fields["client_data"])) == {
        "type": "webauthn.get", "challenge": b64url(CHALLENGE), "origin": ORIGIN,
        "crossOrigin": False}
    assert parse_auth_data(b64url_decode(auth.get_assertion(get, ORIGIN)["authenticator_data"]))[
        "sign_count"] == 3
    corrupt = auth.get_assertion(get, ORIGIN, corrupt_signature=True)
    assert not assertion_ok(corrupt, key_alg, public)


def test_assertion_knobs_change_one_thing_each():
    create, get = forms()
    auth = Authenticator()
    _, ad, _ = registration(auth.make_credential(create, ORIGIN))
    alg, public = key_of_cose(ad["key"])

    def raw(**knobs):
        return auth.get_assertion(get, knobs.pop("origin", ORIGIN), **knobs)

    def parts(**knobs):
        fields = raw(**knobs)
        return (fields, parse_auth_data(b64url_decode(fields["authenticator_data"])),
                json.loads(b64url_decode(fields["client_data"])))

    fields, got, cd = parts(origin="http://localhost:1")
    assert cd["origin"] == "http://localhost:1" and assertion_ok(fields, alg, public)
    fields, got, _ = parts(rp_id="example.org")
    assert got["rp_id_hash"] == hashlib.sha256(b"example.org").digest()
    assert assertion_ok(fields, alg, public)
    _, got, _ = parts(up=False)
    assert got["flags"] == FLAG_UV
    _, got, _ = parts(uv=False)
    assert got["flags"] == FLAG_UP
    _, got, _ = parts(be=True, bs=True)
    assert got["flags"] == FLAG_UP | FLAG_UV | FLAG_BE | FLAG_BS
    _, got, _ = parts(flags=0)
    assert got["flags"] == 0
    before = auth.last.sign_count
    fields, got, _ = parts(counter=1)
    assert got["sign_count"] == 1 and auth.last.sign_count == before  # never back
    assert assertion_ok(fields, alg, public)
    fields, _, _ = parts(user_handle=None)
    assert fields["user_handle"] == ""
    fields, _, _ = parts(user_handle=b"bob")
    assert fields["user_handle"] == b64url(b"bob")
    fields, _, _ = parts(credential_id=b"\x09" * 32)
    assert fields["credential_id"] == b64url(b"\x09" * 32) and assertion_ok(fields, alg, public)
    fields, got, _ = parts(extensions={"big": bytes(20000)})
    assert got["flags"] & FLAG_ED and len(b64url_decode(fields["authenticator_data"])) > 20000
    assert assertion_ok(fields, alg, public)
    fields = raw(extensions=RawCbor(b"\xa1\x61"))  # a map cut short: still signed
    assert b64url_decode(fields["authenticator_data"])[32] & FLAG_ED
    with pytest.raises(Truncated):
        parse_auth_data(b64url_decode(fields["authenticator_data"]))
    assert assertion_ok(fields, alg, public)
    fields = raw(auth_data_suffix=b"\x00\x00")
    assert len(b64url_decode(fields["authenticator_data"])) == 39
    assert assertion_ok(fields, alg, public)
    fields = raw(truncate_auth_data=3)
    assert len(b64url_decode(fields["authenticator_data"])) == 34
    assert assertion_ok(fields, alg, public)
    fields, _, cd = parts(challenge=b"\x05" * 32, client_type="webauthn.create",
                          cross_origin=True, client_extra={"topOrigin": "http://x"})
    assert cd == {"type": "webauthn.create", "challenge": b64url(b"\x05" * 32), "origin": ORIGIN,
                  "crossOrigin": True, "topOrigin": "http://x"}
    fields, _, _ = parts(signature=b"\x30\x00")
    assert fields["signature"] == b64url(b"\x30\x00")


def test_picking_credentials():
    create, get = forms()
    auth = Authenticator(counter_step=0, counter_start=0)
    first = auth.make_credential(create, ORIGIN)
    auth.make_credential(create, ORIGIN)
    assert auth.get_assertion(get, ORIGIN)["credential_id"] == auth.last.id
    only_first = passkey_form(page(first["credential_id"]), "get")
    assert auth.get_assertion(only_first, ORIGIN)["credential_id"] == first["credential_id"]
    fields = auth.get_assertion(get, ORIGIN)
    assert parse_auth_data(b64url_decode(fields["authenticator_data"]))["sign_count"] == 0
    with pytest.raises(LookupError):
        Authenticator().get_assertion(get, ORIGIN)
    with pytest.raises(LookupError):
        auth.get_assertion(passkey_form(page(b64url(b"\x00" * 32)), "get"), ORIGIN)


# -- chromium's shape ------------------------------------------------------------------


def chromium_vectors():
    """The entries of tests/unit/webauthn_vectors.h as dicts of bytes."""
    text = VECTORS.read_text()
    names = ["cred_id", "reg_client_data", "attestation", "get_client_data", "auth_data",
             "signature"]
    out = []
    for m in re.finditer(r'\{"(\w+)", (-?\d+), "(\w+)",(.*?)\n    \},', text, re.S):
        values = re.findall(r"/\* (\w+) \*/ ((?:\"[^\"]*\"\s*)+),", m.group(4))
        assert [n for n, _ in values] == names, values
        entry = {n: b64url_decode("".join(re.findall(r'"([^"]*)"', v))) for n, v in values}
        entry.update(name=m.group(1), alg=int(m.group(2)), kind=m.group(3))
        out.append(entry)
    assert len(out) == 6
    return out


def test_chromium_vectors_verify_with_the_checks_used_here():
    """The decoder and verifier of this file accept what chromium sent, so
    that their verdicts on the software authenticator mean something."""
    for v in chromium_vectors():
        att = decode(v["attestation"])
        ad = parse_auth_data(att.get("authData"))
        alg, public = key_of_cose(ad["key"])
        assert alg == v["alg"] and ad["cred_id"] == v["cred_id"]
        signed = v["auth_data"] + hashlib.sha256(v["get_client_data"]).digest()
        check_signature(alg, public, v["signature"], signed)
        with pytest.raises(InvalidSignature):
            check_signature(alg, public, v["signature"], signed + b"x")


def test_output_has_chromiums_shape():
    """Same member order, COSE labels, flags, AAGUID, id length and
    clientDataJSON layout as chromium's virtual authenticator."""
    create, get = forms()
    for v in chromium_vectors():
        if v["kind"] != "none":
            continue
        att = decode(v["attestation"])
        theirs = parse_auth_data(att.get("authData"))
        auth = Authenticator(alg=v["alg"])
        ours_att, ours, cd = registration(auth.make_credential(create, ORIGIN))
        assert ours_att.order() == att.order() and ours_att.get("attStmt") == att.get("attStmt")
        assert ours["key"].order() == theirs["key"].order(), v["name"]
        assert [type(x) for x in dict(ours["key"]).values()] == [
            type(x) for x in dict(theirs["key"]).values()]
        for label in (-1, -2, -3):
            if label in theirs["key"].order() and isinstance(theirs["key"].get(label), bytes):
                assert len(ours["key"].get(label)) == len(theirs["key"].get(label)), label
        assert ours["flags"] == theirs["flags"] == FLAG_UP | FLAG_UV | FLAG_AT
        assert ours["aaguid"] == theirs["aaguid"] and len(ours["cred_id"]) == len(theirs["cred_id"])
        assert ours["sign_count"] == theirs["sign_count"] == 1
        assert list(json.loads(cd)) == list(json.loads(v["reg_client_data"]))
        fields = auth.get_assertion(get, ORIGIN)
        ad = b64url_decode(fields["authenticator_data"])
        assert len(ad) == len(v["auth_data"]) and ad[32:] == v["auth_data"][32:]
        assert list(json.loads(b64url_decode(fields["client_data"]))) == list(
            json.loads(v["get_client_data"]))[:4]
        sig = b64url_decode(fields["signature"])
        if v["alg"] == ES256:
            assert sig[0] == v["signature"][0] == 0x30  # DER, not raw r||s
        else:
            assert len(sig) == len(v["signature"])
