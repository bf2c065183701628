"""A software WebAuthn authenticator and client for the passkey tests.

It plays both the browser (navigator.credentials.create/get: clientDataJSON,
the form fields /static/passkey.js would post) and the authenticator (keys,
authenticator data, attestation objects, assertion signatures), from the
data attributes of a server-rendered passkey form (docs: the passkey plan,
"Data attributes" and "Form fields posted"). Keys and signatures come from
Debian's python3-cryptography: ES256 (P-256, the default), EdDSA (Ed25519)
and RS256 (RSA-2048, PKCS#1 v1.5). CBOR is encoded here (RFC 8949, the
subset WebAuthn uses: integers, byte and text strings, arrays, maps, bools,
null), in the order the keys are given, as chromium sends it
(tests/unit/webauthn_vectors.h).

Every output can be forged: each knob of make_credential and get_assertion
changes one thing (the origin, the rpIdHash, a flag, the counter, the
signature, the CBOR's length, the user handle …) and leaves the rest right,
so that a refusal names exactly that thing. tests/e2e/test_webauthn_support.py
checks this module without a server.
"""

import base64
import datetime
import hashlib
import json
import os
import struct
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.x509.oid import NameOID

# COSE algorithm identifiers (RFC 9053 §2.1, RFC 8812 §2)
ES256, EDDSA, RS256 = -7, -8, -257
ALG_NAMES = {ES256: "ES256", EDDSA: "EdDSA", RS256: "RS256"}

# authenticator data flags (WebAuthn Level 3 §6.1)
FLAG_UP, FLAG_UV, FLAG_BE, FLAG_BS, FLAG_AT, FLAG_ED = 0x01, 0x04, 0x08, 0x10, 0x40, 0x80

# what chromium's virtual authenticator reports (and a credential id as long)
CHROMIUM_AAGUID = bytes(range(1, 9)) * 2
CRED_ID_LEN = 32


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


# -- CBOR ----------------------------------------------------------------------


class RawCbor(bytes):
    """Bytes that cbor() puts in as they are: an item already encoded, or a
    deliberately broken one."""


def cbor_head(major, n):
    """The head of a CBOR item: major type and argument n, shortest form."""
    if n < 24:
        return bytes([major << 5 | n])
    for info, fmt in ((24, ">B"), (25, ">H"), (26, ">I"), (27, ">Q")):
        if n < 1 << (8 * struct.calcsize(fmt)):
            return bytes([major << 5 | info]) + struct.pack(fmt, n)
    raise ValueError(f"{n} does not fit a CBOR argument")


def cbor(item):
    """item encoded as CBOR: int, bytes, str, list/tuple, dict (in its
    order), bool, None, RawCbor."""
    if isinstance(item, RawCbor):
        return bytes(item)
    if item is False:
        return b"\xf4"
    if item is True:
        return b"\xf5"
    if item is None:
        return b"\xf6"
    if isinstance(item, int):
        return cbor_head(0, item) if item >= 0 else cbor_head(1, -1 - item)
    if isinstance(item, (bytes, bytearray)):
        return cbor_head(2, len(item)) + bytes(item)
    if isinstance(item, str):
        data = item.encode()
        return cbor_head(3, len(data)) + data
    if isinstance(item, (list, tuple)):
        return cbor_head(4, len(item)) + b"".join(cbor(x) for x in item)
    if isinstance(item, dict):
        return cbor_head(5, len(item)) + b"".join(cbor(k) + cbor(v) for k, v in item.items())
    raise TypeError(f"no CBOR for {type(item).__name__}")


# -- the forms -------------------------------------------------------------------


@dataclass
class PasskeyForm:
    """A form with data-passkey="create" or "get": its action, its data-*
    attributes (names without "data-") and its named inputs with their values."""
    action: str
    kind: str
    data: dict = field(default_factory=dict)
    fields: dict = field(default_factory=dict)

    def url(self, page_url):
        return urljoin(page_url, self.action)

    @property
    def challenge(self):
        return b64url_decode(self.data["challenge"])

    @property
    def rp_id(self):
        return self.data["rp-id"]

    @property
    def user_verification(self):
        return self.data["user-verification"]

    @property
    def user_id(self):
        return b64url_decode(self.data["user-id"])

    @property
    def algs(self):
        return [int(a) for a in self.data.get("algs", "").split()]

    @property
    def allow(self):
        """The allowCredentials ids (get): empty for a username-less sign-in."""
        return [b64url_decode(i) for i in self.data.get("allow", "").split()]

    @property
    def exclude(self):
        """The excludeCredentials ids (create)."""
        return [b64url_decode(i) for i in self.data.get("exclude", "").split()]

    def post_data(self, webauthn_fields, **more):
        """What the script posts: the form's own inputs (csrf_token,
        challenge, next, name …), then the ceremony's fields, then more."""
        return {**self.fields, **webauthn_fields, **more}


class _PasskeyFormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []
        self._current = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            kind = attrs.get("data-passkey")
            self._current = None
            if kind is not None:
                data = {k[5:]: (v or "") for k, v in attrs.items() if k.startswith("data-")}
                self._current = PasskeyForm(attrs.get("action") or "", kind, data)
                self.forms.append(self._current)
        elif self._current is not None and tag in ("input", "textarea", "select"):
            if attrs.get("name") and (attrs.get("type") or "").lower() not in ("submit", "button"):
                self._current.fields[attrs["name"]] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None


def passkey_forms(html):
    parser = _PasskeyFormParser()
    parser.feed(html)
    parser.close()
    return parser.forms


def passkey_form(html, kind=None):
    """The first passkey form of the page (of that kind): None if none."""
    forms = [f for f in passkey_forms(html) if kind is None or f.kind == kind]
    return forms[0] if forms else None


# -- keys ----------------------------------------------------------------------


def _int_bytes(n):
    return n.to_bytes((n.bit_length() + 7) // 8, "big")


def new_private_key(alg):
    if alg == ES256:
        return ec.generate_private_key(ec.SECP256R1())
    if alg == EDDSA:
        return ed25519.Ed25519PrivateKey.generate()
    if alg == RS256:
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    raise ValueError(f"unsupported COSE algorithm {alg}")


def cose_key(alg, public_key):
    """The COSE_Key map of a public key (RFC 9053 §7.1, RFC 8230 §4), labels
    in CTAP2 canonical order as authenticators send them."""
    if alg == ES256:
        nums = public_key.public_numbers()
        return {1: 2, 3: ES256, -1: 1, -2: nums.x.to_bytes(32, "big"),
                -3: nums.y.to_bytes(32, "big")}
    if alg == EDDSA:
        raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return {1: 1, 3: EDDSA, -1: 6, -2: raw}
    if alg == RS256:
        nums = public_key.public_numbers()
        return {1: 3, 3: RS256, -1: _int_bytes(nums.n), -2: _int_bytes(nums.e)}
    raise ValueError(f"unsupported COSE algorithm {alg}")


def sign(alg, private_key, data):
    """A WebAuthn signature: ECDSA as DER, Ed25519 raw, RSA PKCS#1 v1.5."""
    if alg == ES256:
        return private_key.sign(data, ec.ECDSA(hashes.SHA256()))
    if alg == EDDSA:
        return private_key.sign(data)
    if alg == RS256:
        return private_key.sign(data, padding.PKCS1v15(), hashes.SHA256())
    raise ValueError(f"unsupported COSE algorithm {alg}")


def verify(alg, public_key, signature, data):
    """Raises cryptography's InvalidSignature unless signature is alg's over data."""
    if alg == ES256:
        public_key.verify(signature, data, ec.ECDSA(hashes.SHA256()))
    elif alg == EDDSA:
        public_key.verify(signature, data)
    elif alg == RS256:
        public_key.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
    else:
        raise ValueError(f"unsupported COSE algorithm {alg}")


def flip_byte(data, index=None):
    """data with one byte (the middle one by default) changed."""
    out = bytearray(data)
    out[len(out) // 2 if index is None else index] ^= 0x01
    return bytes(out)


@dataclass
class Credential:
    """One key pair the authenticator made: a discoverable credential."""
    alg: int
    private_key: object
    cred_id: bytes
    rp_id: str
    user_handle: bytes
    user_name: str
    sign_count: int

    @property
    def public_key(self):
        return self.private_key.public_key()

    @property
    def id(self):
        """The credential id as the forms carry it (base64url)."""
        return b64url(self.cred_id)

    def public_key_der(self):
        return self.public_key.public_bytes(serialization.Encoding.DER,
                                            serialization.PublicFormat.SubjectPublicKeyInfo)


def client_data_json(kind, challenge, origin, cross_origin=False, extra=None):
    """clientDataJSON as chromium writes it: type, challenge, origin,
    crossOrigin, in that order, no spaces."""
    data = {"type": kind, "challenge": b64url(challenge), "origin": origin,
            "crossOrigin": cross_origin, **(extra or {})}
    return json.dumps(data, separators=(",", ":")).encode()


def authenticator_data(rp_id_hash, flags, sign_count, attested=b"", extensions=b""):
    return rp_id_hash + bytes([flags]) + struct.pack(">I", sign_count) + attested + extensions


def _flags(up, uv, be, bs, at=False, ed=False):
    return ((FLAG_UP if up else 0) | (FLAG_UV if uv else 0) | (FLAG_BE if be else 0)
            | (FLAG_BS if bs else 0) | (FLAG_AT if at else 0) | (FLAG_ED if ed else 0))


def _grow_map(members, size):
    """members (a dict) with an extra "pad" byte string making its CBOR
    exactly size bytes: well formed, only too big."""
    base = len(cbor({**members, "pad": b""}))
    if size < base:
        raise ValueError(f"cannot grow {base} bytes to {size}")
    pad = size - base
    for _ in range(4):  # the byte string's head grows with its length
        out = cbor({**members, "pad": bytes(pad)})
        if len(out) == size:
            return out
        pad -= len(out) - size
    raise ValueError(f"no padding gives {size} bytes")


def self_signed_certificate(private_key):
    """A packed attestation certificate (WebAuthn §8.2.1's subject fields),
    signed by its own key: a chain the server is not asked to trust."""
    name = x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "NO"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "oidcd tests"),
        x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "Authenticator Attestation"),
        x509.NameAttribute(NameOID.COMMON_NAME, "software authenticator"),
    ])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(private_key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=365))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .sign(private_key, hashes.SHA256()))
    return cert.public_bytes(serialization.Encoding.DER)


# -- the authenticator -------------------------------------------------------------


class Authenticator:
    """A platform authenticator with user verification that keeps discoverable
    credentials, and the browser in front of it.

    alg: the key type of new credentials (ES256, EDDSA or RS256).
    backup_eligible / backed_up: the BE and BS flags it reports (a synced
    passkey has both). counter_start: the signature counter of a new
    credential; counter_step: how much each assertion adds (0: no counter,
    always 0, as synced passkeys do). transports: what the browser reports."""

    def __init__(self, alg=ES256, backup_eligible=False, backed_up=False, counter_start=1,
                 counter_step=1, aaguid=CHROMIUM_AAGUID, transports=("internal", "hybrid")):
        self.alg = alg
        self.backup_eligible = backup_eligible
        self.backed_up = backed_up
        self.counter_start = counter_start
        self.counter_step = counter_step
        self.aaguid = aaguid
        self.transports = transports
        self.credentials = []
        self._attestation_key = None

    @property
    def last(self):
        """The credential made last."""
        return self.credentials[-1]

    def forget(self, credential):
        self.credentials.remove(credential)

    def _attestation_statement(self, kind, alg, key, signed, corrupt, fmt):
        if kind == "none":
            return fmt or "none", {}
        if kind == "packed":
            sig = sign(alg, key, signed)
            return fmt or "packed", {"alg": alg, "sig": flip_byte(sig) if corrupt else sig}
        if kind == "packed-x5c":
            if self._attestation_key is None:
                self._attestation_key = ec.generate_private_key(ec.SECP256R1())
            sig = sign(ES256, self._attestation_key, signed)
            return fmt or "packed", {"alg": ES256, "sig": flip_byte(sig) if corrupt else sig,
                                     "x5c": [self_signed_certificate(self._attestation_key)]}
        raise ValueError(f"unknown attestation {kind!r}")

    def make_credential(self, form, origin, *, alg=None, attestation="none", fmt=None,
                        att_stmt=None, client_type="webauthn.create", challenge=None,
                        cross_origin=False, client_extra=None, client_data=None, rp_id=None,
                        rp_id_hash=None, up=True, uv=True, be=None, bs=None, flags=None,
                        counter=None, cred_id=None, raw_id=None, extensions=None,
                        corrupt_attestation_signature=False, truncate=0, pad_to=None,
                        trailing=b"", attestation_object=None, transports=None, name=None):
        """navigator.credentials.create() on form (data-passkey="create")
        from a page of origin: a new credential (kept, self.last) and the
        fields the script posts: challenge, credential_id, client_data,
        attestation_object, transports (and name when given).

        Forgeries: alg (of the key); attestation "none", "packed" (self
        attestation, signed by the new key) or "packed-x5c" (a self-signed
        certificate chain); fmt / att_stmt replace the statement's format /
        map; client_type, challenge (bytes), cross_origin, client_extra
        (members added), client_data (the whole JSON, bytes); rp_id (whose
        SHA-256 is put in authData) or rp_id_hash (the 32 bytes); up, uv, be,
        bs (flags; be/bs default to the authenticator's) or flags (the byte);
        counter; cred_id (bytes) and raw_id (the credential_id field, if
        not the same); extensions (a dict: ED flag and the CBOR map);
        corrupt_attestation_signature; truncate (bytes cut off the
        attestation object's end), pad_to (the object grown to that many
        bytes, well formed), trailing (bytes after it), attestation_object
        (the bytes instead)."""
        alg = self.alg if alg is None else alg
        be = self.backup_eligible if be is None else be
        bs = self.backed_up if bs is None else bs
        key = new_private_key(alg)
        cred = Credential(alg, key, os.urandom(CRED_ID_LEN) if cred_id is None else cred_id,
                          form.rp_id, form.user_id, form.data.get("user-name", ""),
                          self.counter_start if counter is None else counter)
        self.credentials.append(cred)

        cd = client_data if client_data is not None else client_data_json(
            client_type, form.challenge if challenge is None else challenge, origin,
            cross_origin, client_extra)
        attested = (self.aaguid + struct.pack(">H", len(cred.cred_id)) + cred.cred_id
                    + cbor(cose_key(alg, key.public_key())))
        ext = b"" if extensions is None else cbor(extensions)
        if rp_id_hash is None:
            rp_id_hash = hashlib.sha256((rp_id or form.rp_id).encode()).digest()
        if flags is None:
            flags = _flags(up, uv, be, bs, at=True, ed=extensions is not None)
        auth_data = authenticator_data(rp_id_hash, flags, cred.sign_count, attested, ext)
        signed = auth_data + hashlib.sha256(cd).digest()
        fmt_name, stmt = self._attestation_statement(attestation, alg, key, signed,
                                                     corrupt_attestation_signature, fmt)
        members = {"fmt": fmt_name, "attStmt": stmt if att_stmt is None else att_stmt,
                   "authData": auth_data}
        obj = cbor(members) if pad_to is None else _grow_map(members, pad_to)
        if truncate:
            obj = obj[:-truncate]
        obj += trailing
        if attestation_object is not None:
            obj = attestation_object
        fields = {"challenge": form.fields.get("challenge", form.data.get("challenge", "")),
                  "credential_id": b64url(cred.cred_id if raw_id is None else raw_id),
                  "client_data": b64url(cd), "attestation_object": b64url(obj),
                  "transports": " ".join(self.transports if transports is None else transports)}
        if name is not None:
            fields["name"] = name
        return fields

    def pick(self, form):
        """The credential a browser would offer for form (data-passkey="get"):
        among those of its RP ID, the newest in allowCredentials, or the
        newest of all when the list is empty (username-less)."""
        allow = form.allow
        mine = [c for c in self.credentials if c.rp_id == form.rp_id
                and (not allow or c.cred_id in allow)]
        if not mine:
            raise LookupError(f"no credential for {form.rp_id} among {len(allow)} allowed")
        return mine[-1]

    def get_assertion(self, form, origin, *, credential=None, client_type="webauthn.get",
                      challenge=None, cross_origin=False, client_extra=None, client_data=None,
                      rp_id=None, rp_id_hash=None, up=True, uv=True, be=None, bs=None,
                      flags=None, counter=None, extensions=None, auth_data_suffix=b"",
                      truncate_auth_data=0, auth_data=None, corrupt_signature=False,
                      signature=None, user_handle=..., credential_id=None):
        """navigator.credentials.get() on form (data-passkey="get") from a
        page of origin, with credential (default: pick(form)): the fields
        the script posts, challenge, credential_id, client_data,
        authenticator_data, signature and user_handle. The credential's
        counter moves on by counter_step (never back).

        Forgeries: client_type, challenge (bytes), cross_origin,
        client_extra, client_data (bytes); rp_id or rp_id_hash; up, uv, be,
        bs or flags; counter (the count sent); extensions (a dict, or RawCbor
        for broken CBOR: the ED flag is set); auth_data_suffix (bytes after
        it), truncate_auth_data (bytes cut off), auth_data (the bytes
        instead): all signed as sent; corrupt_signature, signature (bytes
        instead); user_handle (bytes, or None for an empty field; default the
        credential's); credential_id (bytes, the field instead)."""
        cred = credential or self.pick(form)
        be = self.backup_eligible if be is None else be
        bs = self.backed_up if bs is None else bs
        if counter is None:
            counter = cred.sign_count + self.counter_step
        cred.sign_count = max(cred.sign_count, counter)
        cd = client_data if client_data is not None else client_data_json(
            client_type, form.challenge if challenge is None else challenge, origin,
            cross_origin, client_extra)
        if rp_id_hash is None:
            rp_id_hash = hashlib.sha256((rp_id or cred.rp_id).encode()).digest()
        if flags is None:
            flags = _flags(up, uv, be, bs, ed=extensions is not None)
        ext = b"" if extensions is None else cbor(extensions)
        if auth_data is None:
            auth_data = authenticator_data(rp_id_hash, flags, counter, extensions=ext)
            auth_data += auth_data_suffix
            if truncate_auth_data:
                auth_data = auth_data[:-truncate_auth_data]
        sig = sign(cred.alg, cred.private_key, auth_data + hashlib.sha256(cd).digest())
        if corrupt_signature:
            sig = flip_byte(sig)
        if signature is not None:
            sig = signature
        handle = cred.user_handle if user_handle is ... else user_handle
        return {"challenge": form.fields.get("challenge", form.data.get("challenge", "")),
                "credential_id": b64url(cred.cred_id if credential_id is None else credential_id),
                "client_data": b64url(cd), "authenticator_data": b64url(auth_data),
                "signature": b64url(sig), "user_handle": "" if handle is None else b64url(handle)}
