// The implicit flow in chromium: a person signs in and consents, and the
// tokens reach the relying party by form_post (the auto-submitted form, no
// inline script) or in the fragment of its redirect URI. The ID token is
// checked here against /jwks with node's crypto: signature, nonce, at_hash.

import assert from 'node:assert/strict';
import { createHash, createPublicKey, randomBytes, verify } from 'node:crypto';
import { after, before, test } from 'node:test';
import { launchBrowser, screenshot, startRelyingParty, startServer } from './support.mjs';

const PASSWORD = 'correct horse battery staple';

let server;
let browser;
let rp;
let client;

function authorizeUrl(params) {
  return server.urlWith('/authorize', {
    response_type: 'id_token token', client_id: client.client_id, redirect_uri: rp.redirectUri,
    scope: 'openid email', ...params,
  });
}

// The claims of an RS256 ID token whose signature a key of /jwks verifies.
async function verifiedClaims(idToken) {
  const [head, body, sig] = idToken.split('.');
  const header = JSON.parse(Buffer.from(head, 'base64url'));
  const jwks = await (await fetch(server.url('/jwks'))).json();
  const jwk = jwks.keys.find((k) => k.kid === header.kid);
  assert.ok(jwk, `kid ${header.kid} not in the JWKS`);
  assert.equal(jwk.alg, 'RS256');
  const key = createPublicKey({ key: jwk, format: 'jwk' });
  assert.ok(verify('sha256', Buffer.from(`${head}.${body}`), key, Buffer.from(sig, 'base64url')));
  return JSON.parse(Buffer.from(body, 'base64url'));
}

const leftHalf = (value) => createHash('sha256').update(value).digest().subarray(0, 16)
  .toString('base64url');

async function checkTokens(params, state, nonce) {
  assert.equal(params.state, state);
  assert.equal(params.iss, server.issuer);
  assert.equal(params.token_type, 'Bearer');
  assert.equal(params.code, undefined);
  const claims = await verifiedClaims(params.id_token);
  assert.equal(claims.iss, server.issuer);
  assert.equal(claims.aud, client.client_id);
  assert.equal(claims.nonce, nonce);
  assert.equal(claims.at_hash, leftHalf(params.access_token));
  const info = await fetch(server.url('/userinfo'), {
    headers: { Authorization: `Bearer ${params.access_token}` },
  });
  assert.equal(info.status, 200);
  assert.equal((await info.json()).email, 'alice@example.org');
}

before(async () => {
  server = await startServer();
  rp = await startRelyingParty();
  server.cli(['user', 'create', 'alice', '--password-stdin', '--claim', 'email=alice@example.org'],
    { input: `${PASSWORD}\n` });
  client = server.cliJson(['client', 'create', '--name', 'Example SPA', '--grant-types', 'implicit',
    '--response-types', 'id_token token', '--scope', 'openid email',
    '--redirect-uri', rp.redirectUri]);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await rp?.close();
  await server?.stop();
  server?.cleanup();
});

test('implicit with form_post: the tokens reach the relying party by POST', async () => {
  await browser.context.clearCookies();
  const page = await browser.context.newPage();
  const errors = [];
  page.on('console', (msg) => { if (msg.type() === 'error') errors.push(msg.text()); });
  const state = randomBytes(9).toString('base64url');
  const nonce = randomBytes(9).toString('base64url');
  await page.goto(authorizeUrl({ state, nonce, response_mode: 'form_post' }));
  await page.locator('input[name=username]').fill('alice');
  await page.locator('input[name=password]').fill(PASSWORD);
  await page.locator('form:has(input[name=password]) [type=submit]').click();
  await page.waitForLoadState();
  await screenshot(page, 'implicit-consent');
  await page.locator('[name=decision][value=allow]').click();
  await page.waitForURL(rp.redirectUri);
  const last = rp.received.at(-1);
  assert.equal(last.method, 'POST');
  await checkTokens(last.params, state, nonce);
  assert.deepEqual(errors.filter((e) => /Content Security Policy/.test(e)), []);
  await page.close();
});

test('implicit by fragment: the tokens stay in the browser, never sent to the server', async () => {
  const page = await browser.context.newPage();
  const state = randomBytes(9).toString('base64url');
  const nonce = randomBytes(9).toString('base64url');
  const before = rp.received.length;
  // the session and consent of the previous test: straight back
  await page.goto(authorizeUrl({ state, nonce }));
  await page.waitForURL(`${rp.redirectUri}#**`);
  const url = new URL(page.url());
  assert.equal(url.search, '');
  await checkTokens(Object.fromEntries(new URLSearchParams(url.hash.slice(1))), state, nonce);
  // what the relying party's server saw: the bare redirect URI
  const seen = rp.received.slice(before);
  assert.equal(seen.length, 1);
  assert.deepEqual(seen[0].params, {});
  await page.close();
});
