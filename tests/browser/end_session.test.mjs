// RP-initiated logout with chromium: a person signed in at the relying party
// is sent to /end-session; with the ID token as hint and a registered
// post_logout_redirect_uri the session ends at once and the person lands back
// on the relying party; without a hint oidcd asks first. Screenshots go to
// tests/browser/out/.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  launchBrowser, pkce, redeemCode, screenshot, startRelyingParty, startServer,
} from './support.mjs';

const PASSWORD = 'correct horse battery staple';

let server;
let browser;
let rp;
let client;
let logoutForm = null; // the relying party's own sign-out form, when set

function endSessionUrl(params) {
  return server.urlWith('/end-session', params);
}

// The relying party's page with a form that posts the request to /end-session.
function formPage(path) {
  if (path !== '/sign-out' || !logoutForm) {
    return null;
  }
  const inputs = Object.entries(logoutForm)
    .map(([k, v]) => `<input type="hidden" name="${k}" value="${v}">`).join('');
  return `<!doctype html><html lang="en"><title>Example RP</title>
<form method="post" action="${server.url('/end-session')}">${inputs}
<button type="submit">Sign out</button></form>`;
}

// Signs alice in at the relying party: the ID token of the code flow.
async function signIn(page) {
  const { verifier, challenge } = pkce();
  const url = new URL(server.url('/authorize'));
  for (const [k, v] of Object.entries({
    response_type: 'code', client_id: client.client_id, redirect_uri: rp.redirectUri,
    scope: 'openid', state: 's', nonce: 'n', code_challenge: challenge,
    code_challenge_method: 'S256',
  })) {
    url.searchParams.set(k, v);
  }
  await page.goto(url.toString());
  if (await page.locator('input[name=password]').count()) {
    await page.locator('input[name=username]').fill('alice');
    await page.locator('input[name=password]').fill(PASSWORD);
    await page.locator('form:has(input[name=password]) [type=submit]').click();
    await page.waitForLoadState();
  }
  if (await page.locator('[name=decision][value=allow]').count()) {
    await page.locator('[name=decision][value=allow]').click();
  }
  await page.waitForURL(`${rp.redirectUri}?**`);
  const code = await page.locator('#code').innerText();
  const tokens = await redeemCode(server, client, rp.redirectUri, code, verifier);
  assert.equal(tokens.status, 200, JSON.stringify(tokens.body));
  return tokens.body.id_token;
}

async function sessionCookies() {
  return (await browser.context.cookies(server.issuer)).filter((c) => c.name === 'oidcd_session');
}

function cspErrors(page) {
  const errors = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error' && /Content Security Policy/.test(msg.text())) errors.push(msg.text());
  });
  return errors;
}

before(async () => {
  server = await startServer();
  rp = await startRelyingParty(formPage);
  server.cli(['user', 'create', 'alice', '--password-stdin'], { input: `${PASSWORD}\n` });
  client = server.cliJson(['client', 'create', '--name', 'Example RP', '--grant-types',
    'authorization_code', '--scope', 'openid', '--redirect-uri', rp.redirectUri,
    '--post-logout-redirect-uri', `${rp.origin}/logged-out`]);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await rp?.close();
  await server?.stop();
  server?.cleanup();
});

test('with the ID token as hint: signed out at once, back on the relying party', async () => {
  await browser.context.clearCookies();
  const page = await browser.context.newPage();
  const idToken = await signIn(page);
  assert.equal((await sessionCookies()).length, 1);
  await page.goto(endSessionUrl({
    id_token_hint: idToken, post_logout_redirect_uri: `${rp.origin}/logged-out`, state: 'bye',
  }));
  await page.waitForURL(`${rp.origin}/logged-out?**`);
  assert.equal(new URL(page.url()).searchParams.get('state'), 'bye');
  assert.equal(await page.locator('#state').innerText(), 'bye');
  assert.equal((await sessionCookies()).length, 0);
  await screenshot(page, 'end-session-relying-party');
  await page.close();
});

test('without a hint: the question page, then back on the relying party', async () => {
  await browser.context.clearCookies();
  const page = await browser.context.newPage();
  const errors = cspErrors(page);
  await signIn(page);
  await page.goto(endSessionUrl({
    client_id: client.client_id, post_logout_redirect_uri: `${rp.origin}/logged-out`, state: 'q',
  }));
  assert.ok(page.url().startsWith(server.url('/end-session')), page.url());
  assert.equal(await page.title(), 'Sign out');
  assert.match(await page.content(), /Example RP/);
  await screenshot(page, 'end-session-confirm');
  assert.equal((await sessionCookies()).length, 1);
  await page.locator('form [type=submit]').click();
  await page.waitForURL(`${rp.origin}/logged-out?**`);
  assert.equal(new URL(page.url()).searchParams.get('state'), 'q');
  assert.equal((await sessionCookies()).length, 0);
  assert.deepEqual(errors, []);
  await page.close();
});

test("the relying party's own form posts the hint: signed out, back on the relying party", async () => {
  await browser.context.clearCookies();
  const page = await browser.context.newPage();
  const idToken = await signIn(page);
  logoutForm = {
    id_token_hint: idToken, post_logout_redirect_uri: `${rp.origin}/logged-out`, state: 'form',
  };
  await page.goto(`${rp.origin}/sign-out`);
  await page.locator('form [type=submit]').click();
  await page.waitForURL(`${rp.origin}/logged-out?**`);
  assert.equal(new URL(page.url()).searchParams.get('state'), 'form');
  assert.equal((await sessionCookies()).length, 0);
  await page.close();
});

test('a post_logout_redirect_uri not registered: an error page, still signed in', async () => {
  await browser.context.clearCookies();
  const page = await browser.context.newPage();
  const idToken = await signIn(page);
  const resp = await page.goto(endSessionUrl({
    id_token_hint: idToken, post_logout_redirect_uri: `${rp.origin}/elsewhere`,
  }));
  assert.equal(resp.status(), 400);
  assert.ok(page.url().startsWith(server.issuer), page.url());
  assert.equal((await sessionCookies()).length, 1);
  await screenshot(page, 'end-session-error');
  await page.close();
});
