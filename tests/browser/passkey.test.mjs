// Passkeys in chromium: alice signs in with her password and lands on
// /account, adds a passkey there (chromium's CTAP2 virtual authenticator
// through the Chrome DevTools Protocol WebAuthn domain answers
// navigator.credentials.create, called by /static/passkey.js), signs out,
// and signs in again from /login without typing a username: the relying
// party's ID token says acr urn:oidcd:acr:phr. The issuer is
// http://localhost:PORT (a secure context and a valid RP ID; an IP address
// is neither). Screenshots of the account page, the login page and the
// second-factor page, desktop and phone width, go to tests/browser/out/.

import assert from 'node:assert/strict';
import { createPublicKey, randomBytes, verify } from 'node:crypto';
import { after, before, test } from 'node:test';
import {
  Server, clickAndPost, closeAll, freePort, launchBrowser, pkce, redeemCode, screenshot, startRelyingParty,
} from './support.mjs';

const PASSWORD = 'correct horse battery staple';
const PHR = 'urn:oidcd:acr:phr';
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };

let server;
let browser;
let rp;
let client;
let kept; // the first test's page, CDP session and authenticator, for the second

// The ID token's claims, its RS256 signature checked against /jwks.
async function idTokenClaims(idToken) {
  const [head, body, sig] = idToken.split('.');
  const header = JSON.parse(Buffer.from(head, 'base64url'));
  const { keys } = await (await fetch(server.url('/jwks'))).json();
  const jwk = keys.find((k) => k.kid === header.kid);
  assert.ok(jwk, `kid ${header.kid} not in /jwks`);
  assert.equal(header.alg, 'RS256');
  const ok = verify('sha256', Buffer.from(`${head}.${body}`), createPublicKey({ key: jwk, format: 'jwk' }),
    Buffer.from(sig, 'base64url'));
  assert.ok(ok, 'ID token signature does not verify');
  return JSON.parse(Buffer.from(body, 'base64url'));
}

async function logIn(page) {
  await page.locator('#username').fill('alice');
  await page.locator('#password').fill(PASSWORD);
  await page.locator('form:has(#password) [type=submit]').click();
  await page.waitForLoadState();
}

// Desktop and phone screenshots of the page as it is.
async function shots(page, name) {
  await screenshot(page, name);
  await page.setViewportSize(PHONE);
  await screenshot(page, `${name}-phone`);
  await page.setViewportSize(DESKTOP);
}

// A virtual platform authenticator with resident keys and user
// verification, as a laptop's or phone's; its id.
async function addAuthenticator(cdp) {
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2', transport: 'internal', hasResidentKey: true,
      hasUserVerification: true, isUserVerified: true,
    },
  });
  return authenticatorId;
}

before(async () => {
  const port = await freePort();
  const issuer = `http://localhost:${port}`;
  server = new Server(port, { server: { issuer } });
  server.issuer = issuer;
  await server.start();
  rp = await startRelyingParty();
  server.cli(['user', 'create', 'alice', '--password-stdin', '--claim', 'name=Alice Liddell',
    '--claim', 'email=alice@example.org'], { input: `${PASSWORD}\n` });
  client = server.cliJson(['client', 'create', '--name', 'Example RP', '--grant-types',
    'authorization_code', '--scope', 'openid email', '--redirect-uri', rp.redirectUri]);
  browser = await launchBrowser();
});

after(() => closeAll({ browser, rp, server }));

test('add a passkey on /account, sign out, sign in with it username-less: acr phr', async () => {
  const page = await browser.context.newPage();
  await page.setViewportSize(DESKTOP);
  const errors = [];
  page.on('console', (msg) => { if (msg.type() === 'error') errors.push(msg.text()); });
  const cdp = await browser.context.newCDPSession(page);
  const authenticatorId = await addAuthenticator(cdp);

  await page.goto(server.url('/account'));
  await page.waitForURL('**/login');
  await logIn(page);
  await page.waitForURL('**/account');
  const add = page.locator('form[data-passkey="create"]');
  assert.equal(await add.count(), 1, await page.content());
  await shots(page, 'passkey-account-add');

  await add.locator('input[name=name]').fill('Laptop');
  const added = await clickAndPost(page, add.locator('button').first(), '/account/passkey');
  assert.equal(added.status(), 303);
  await page.waitForURL('**/account');
  assert.match(await page.locator('main').innerText(), /Laptop/);
  const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
  assert.equal(credentials.length, 1);
  assert.equal(credentials[0].isResidentCredential, true);
  assert.equal(credentials[0].rpId, 'localhost');
  await shots(page, 'passkey-account');

  await clickAndPost(page, page.getByRole('button', { name: 'Sign out' }), '/logout');

  const { verifier, challenge } = pkce();
  const state = randomBytes(9).toString('base64url');
  await page.goto(server.urlWith('/authorize', {
    response_type: 'code', client_id: client.client_id, redirect_uri: rp.redirectUri,
    scope: 'openid email', state, nonce: 'n-pk', code_challenge: challenge,
    code_challenge_method: 'S256',
  }));
  await page.waitForURL('**/login?**');
  const signIn = page.locator('form[data-passkey="get"]');
  assert.equal(await signIn.count(), 1, await page.content());
  await shots(page, 'passkey-login');

  // no username typed: the authenticator offers its resident credential
  await signIn.locator('button').first().click();
  const allow = page.locator('[name=decision][value=allow]');
  await Promise.race([page.waitForURL(`${rp.redirectUri}?**`), allow.waitFor()]);
  if (await allow.count()) {
    await shots(page, 'passkey-consent');
    await allow.click();
    await page.waitForURL(`${rp.redirectUri}?**`);
  }
  const url = new URL(page.url());
  assert.equal(url.searchParams.get('state'), state);
  const tokens = await redeemCode(server, client, rp.redirectUri, url.searchParams.get('code'), verifier);
  assert.equal(tokens.status, 200, JSON.stringify(tokens.body));
  const claims = await idTokenClaims(tokens.body.id_token);
  assert.equal(claims.acr, PHR);
  assert.deepEqual([...claims.amr].sort(), ['hwk', 'mfa', 'user']);
  assert.equal(claims.nonce, 'n-pk');
  assert.equal(claims.iss, server.issuer);

  const used = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
  assert.ok(used.credentials[0].signCount >= 2, JSON.stringify(used.credentials[0]));
  assert.deepEqual(errors.filter((e) => /Content Security Policy/.test(e)), []);
  kept = { page, cdp, authenticatorId };
});

test('the passkey as the second factor after the password', async () => {
  // the page and authenticator of the test before, signed out again
  assert.ok(kept, 'the test before did not get as far as signing in with the passkey');
  const { page, cdp, authenticatorId } = kept;
  await page.goto(server.url('/account'));
  await clickAndPost(page, page.getByRole('button', { name: 'Sign out' }), '/logout');

  await page.goto(server.url('/account'));
  await page.waitForURL('**/login');
  await logIn(page);
  await page.waitForURL('**/login/mfa**');
  const form = page.locator('form[data-passkey="get"]');
  assert.equal(await form.count(), 1, await page.content());
  const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
  const allowed = (await form.getAttribute('data-allow')).split(' ');
  assert.deepEqual(allowed, [Buffer.from(credentials[0].credentialId, 'base64').toString('base64url')]);
  await shots(page, 'passkey-second-factor');

  await form.locator('button').first().click();
  await page.waitForURL('**/account');
  assert.match(await page.locator('main').innerText(), /Laptop/);
  await page.close();
});
