// Captures real authenticator outputs for the WebAuthn unit tests
// (tests/unit/webauthn_vectors.h): Debian's chromium with a CTAP2 virtual
// authenticator (Chrome DevTools Protocol WebAuthn domain) registers one
// credential per algorithm on a tiny page served from 127.0.0.1 and signs in
// with it, using fixed challenges so a fixture says what it was made for.
//
// Run: node tests/browser/tools/capture_webauthn.mjs > tests/unit/webauthn_vectors.h
// Prints that C header: the origin, RP ID and challenges used, then one
// entry per credential, every value base64url.

import { createServer } from 'node:http';
import { chromium } from 'playwright-core';

const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
// COSE algorithm identifiers (RFC 9053 §2.1, RFC 8812 §2)
const ALGS = [['ES256', -7], ['EdDSA', -8], ['RS256', -257]];
// Fixed so the fixtures are reproducible: 32 bytes each.
const REG_CHALLENGE = Buffer.alloc(32, 0xa1);
const GET_CHALLENGE = Buffer.alloc(32, 0xb2);

const PAGE = `<!doctype html><html lang="en"><title>capture</title>
<script>
const b64u = (buf) => btoa(String.fromCharCode(...new Uint8Array(buf)))
  .replace(/\\+/g, '-').replace(/\\//g, '_').replace(/=+$/, '');
const fromHex = (h) => Uint8Array.from(h.match(/../g).map((x) => parseInt(x, 16)));
window.register = async (alg, challenge, attestation) => {
  const cred = await navigator.credentials.create({ publicKey: {
    rp: { name: 'oidcd test', id: location.hostname },
    user: { id: new Uint8Array([1, 2, 3, 4]), name: 'alice', displayName: 'Alice' },
    challenge: fromHex(challenge), pubKeyCredParams: [{ type: 'public-key', alg }],
    attestation, authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
  } });
  return { id: cred.id, clientDataJSON: b64u(cred.response.clientDataJSON),
           attestationObject: b64u(cred.response.attestationObject) };
};
window.signIn = async (id, challenge) => {
  const raw = Uint8Array.from(atob(id.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
  const cred = await navigator.credentials.get({ publicKey: {
    challenge: fromHex(challenge), rpId: location.hostname, userVerification: 'required',
    allowCredentials: [{ type: 'public-key', id: raw }] } });
  return { clientDataJSON: b64u(cred.response.clientDataJSON),
           authenticatorData: b64u(cred.response.authenticatorData),
           signature: b64u(cred.response.signature) };
};
</script>`;

// A C string literal of a long base64url text, cut into lines.
function literal(text, indent) {
  const parts = text.match(/.{1,88}/g) || [''];
  return parts.map((p) => `"${p}"`).join(`\n${indent}`);
}

function header(origin, entries) {
  const out = [`/* Real authenticator outputs for the WebAuthn tests, captured from Debian's
 * chromium and its CTAP2 virtual authenticator by
 * tests/browser/tools/capture_webauthn.mjs (rerun it to refresh them; the
 * origin's port is whatever that run got). All base64url. Each credential
 * registered once ("none" or "direct" attestation, the latter giving "packed"
 * with an x5c chain) and then signed in once. Also read by
 * fuzz/make_corpus.py for the webauthn seeds. */
#ifndef OIDCD_TESTS_WEBAUTHN_VECTORS_H
#define OIDCD_TESTS_WEBAUTHN_VECTORS_H

#define WA_ORIGIN "${origin}"
#define WA_RP_ID "localhost"
/* 32 bytes of 0xa1 and of 0xb2 */
#define WA_REG_CHALLENGE "${REG_CHALLENGE.toString('base64url')}"
#define WA_GET_CHALLENGE "${GET_CHALLENGE.toString('base64url')}"

struct wa_vector {
    const char *name;
    int alg; /* COSE */
    const char *attestation_kind; /* "none" or "packed" */
    const char *cred_id, *reg_client_data, *attestation;
    const char *get_client_data, *auth_data, *signature;
};

static const struct wa_vector wa_vectors[] = {`];
  for (const e of entries) {
    out.push(`    {"${e.name}", ${e.alg}, "${e.kind}",`);
    for (const [field, value] of e.fields) {
      const indent = ' '.repeat(5 + field.length + 7);
      out.push(`     /* ${field} */ ${literal(value, indent)},`);
    }
    out.push('    },');
  }
  out.push('};', '', '#endif');
  return out.join('\n');
}

const server = createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'text/html' });
  res.end(PAGE);
});
await new Promise((done) => server.listen(0, '127.0.0.1', done));
// "localhost" is a secure context and a valid RP ID; an IP address is not.
const origin = `http://localhost:${server.address().port}`;

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
try {
  const page = await browser.newPage();
  await page.goto(origin);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const entries = [];
  for (const [name, alg] of ALGS) {
    for (const attestation of ['none', 'direct']) {
      const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
        options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true,
                   hasUserVerification: true, isUserVerified: true },
      });
      try {
        const reg = await page.evaluate(([a, c, at]) => window.register(a, c, at),
          [alg, REG_CHALLENGE.toString('hex'), attestation]);
        const get = await page.evaluate(([i, c]) => window.signIn(i, c),
          [reg.id, GET_CHALLENGE.toString('hex')]);
        entries.push({ name: `${name.toLowerCase()}_${attestation}`, alg,
                       kind: attestation === 'none' ? 'none' : 'packed',
                       fields: [['cred_id', reg.id], ['reg_client_data', reg.clientDataJSON],
                                ['attestation', reg.attestationObject],
                                ['get_client_data', get.clientDataJSON],
                                ['auth_data', get.authenticatorData],
                                ['signature', get.signature]] });
      } finally {
        await cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId });
      }
    }
  }
  console.log(header(origin, entries));
} finally {
  await browser.close();
  server.close();
}
