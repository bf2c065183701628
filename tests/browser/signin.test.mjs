// A person signs in with chromium: the relying party sends the browser to
// /authorize, the person logs in and consents on oidcd's pages, and lands on
// the relying party's page (a tiny local http server) with the code, which
// then buys tokens. Screenshots of every page go to tests/browser/out/.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import {
  launchBrowser, pkce, redeemCode, screenshot, startRelyingParty, startServer,
} from './support.mjs';

const PASSWORD = 'correct horse battery staple';
const b64url = (buf) => buf.toString('base64url');

let server;
let browser;
let rp;
let client;

function authorizeUrl(params) {
  return server.urlWith('/authorize', {
    response_type: 'code', client_id: client.client_id, redirect_uri: rp.redirectUri,
    scope: 'openid email', ...params,
  });
}

function redeem(code, verifier) {
  return redeemCode(server, client, rp.redirectUri, code, verifier);
}

async function logIn(page, password, shot) {
  await page.locator('input[name=username]').fill('alice');
  await page.locator('input[name=password]').fill(password);
  if (shot) {
    await screenshot(page, shot);
  }
  await page.locator('form:has(input[name=password]) [type=submit]').click();
  await page.waitForLoadState();
}

before(async () => {
  server = await startServer();
  rp = await startRelyingParty();
  server.cli(['user', 'create', 'alice', '--password-stdin', '--claim', 'email=alice@example.org'],
    { input: `${PASSWORD}\n` });
  client = server.cliJson(['client', 'create', '--name', 'Example RP', '--grant-types',
    'authorization_code', '--scope', 'openid email profile', '--redirect-uri', rp.redirectUri]);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await rp?.close();
  await server?.stop();
  server?.cleanup();
});

test('log in, consent, land on the relying party with a code that buys tokens', async () => {
  await browser.context.clearCookies();
  const page = await browser.context.newPage();
  const { verifier, challenge } = pkce();
  const state = b64url(randomBytes(9));
  await page.goto(authorizeUrl({
    state, nonce: 'n-1', code_challenge: challenge, code_challenge_method: 'S256',
  }));
  assert.ok(await page.locator('input[name=password]').isVisible(), await page.content());
  await screenshot(page, 'login');

  await logIn(page, 'not the password', null);
  assert.match(await page.content(), /Incorrect username or password\./);
  await screenshot(page, 'login-failed');

  await logIn(page, PASSWORD, null);
  assert.match(await page.content(), /Example RP/);
  await screenshot(page, 'consent');
  await page.locator('[name=decision][value=allow]').click();
  await page.waitForURL(`${rp.redirectUri}?**`);

  const code = await page.locator('#code').innerText();
  assert.ok(code.length >= 43, code);
  const url = new URL(page.url());
  assert.equal(url.searchParams.get('state'), state);
  assert.equal(url.searchParams.get('iss'), server.issuer);
  await screenshot(page, 'relying-party');

  const tokens = await redeem(code, verifier);
  assert.equal(tokens.status, 200, JSON.stringify(tokens.body));
  assert.ok(tokens.body.id_token && tokens.body.access_token);
  await page.close();
});

test('form_post lands on the relying party by POST, without inline script', async () => {
  const page = await browser.context.newPage();
  const errors = [];
  page.on('console', (msg) => { if (msg.type() === 'error') errors.push(msg.text()); });
  const { verifier, challenge } = pkce();
  // the session and consent of the previous test: straight to the form_post page
  await page.goto(authorizeUrl({
    state: 'fp', response_mode: 'form_post', code_challenge: challenge, code_challenge_method: 'S256',
  }));
  if (!page.url().startsWith(rp.redirectUri)) {
    await screenshot(page, 'form-post');
    await page.waitForURL(rp.redirectUri, { timeout: 5000 }).catch(async () => {
      await page.locator('form [type=submit]').click(); // without script: the button
      await page.waitForURL(rp.redirectUri);
    });
  }
  const last = rp.received.at(-1);
  assert.equal(last.method, 'POST');
  assert.equal(last.params.state, 'fp');
  assert.equal(last.params.iss, server.issuer);
  assert.equal((await redeem(last.params.code, verifier)).status, 200);
  assert.deepEqual(errors.filter((e) => /Content Security Policy/.test(e)), []);
  await page.close();
});

test('deny lands on the relying party with access_denied', async () => {
  await browser.context.clearCookies();
  const page = await browser.context.newPage();
  await page.goto(authorizeUrl({ state: 'd', scope: 'openid profile', ...pkceParams() }));
  await logIn(page, PASSWORD, null);
  await page.locator('[name=decision][value=deny]').click();
  await page.waitForURL(`${rp.redirectUri}?**`);
  assert.equal(await page.locator('#error').innerText(), 'access_denied');
  await page.close();
});

function pkceParams() {
  return { code_challenge: pkce().challenge, code_challenge_method: 'S256' };
}

test('an unknown client gets an error page, not a redirect', async () => {
  const page = await browser.context.newPage();
  const url = new URL(authorizeUrl({ state: 'x' }));
  url.searchParams.set('client_id', 'no-such-client');
  const resp = await page.goto(url.toString());
  assert.equal(resp.status(), 400);
  assert.ok(page.url().startsWith(server.issuer));
  assert.ok((await page.title()).length > 0);
  await screenshot(page, 'error');
  await page.close();
});

test('logout: the confirm page, then signed out', async () => {
  const page = await browser.context.newPage();
  await page.goto(authorizeUrl({ state: 'l', ...pkceParams() }));
  if (await page.locator('input[name=password]').count()) {
    await logIn(page, PASSWORD, null);
  }
  await page.goto(server.url('/logout'));
  await screenshot(page, 'logout');
  await page.locator('form [type=submit]').click();
  await page.waitForLoadState();
  await screenshot(page, 'signed-out');
  const cookies = await browser.context.cookies(server.issuer);
  assert.equal(cookies.filter((c) => c.name === 'oidcd_session').length, 0);
  await page.close();
});

test('the login page fits a phone', async () => {
  await browser.context.clearCookies();
  const page = await browser.context.newPage();
  await page.setViewportSize({ width: 360, height: 740 });
  await page.goto(authorizeUrl({ state: 'm', ...pkceParams() }));
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `page is ${width}px wide on a 360px screen`);
  await screenshot(page, 'login-phone');
  await page.close();
});
