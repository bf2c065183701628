// OpenID Connect Session Management 1.0 with chromium: a relying party on
// another loopback origin frames oidcd's check-session page, signs alice in
// by the code flow and asks the frame about its session_state: "unchanged"
// while she is signed in, "changed" once she has signed out (RP-initiated
// logout) or signed in anew, "error" for a message that is none. Screenshots
// go to tests/browser/out/.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  closeAll, launchBrowser, passSignIn, pkce, screenshot, startRelyingParty, startServer,
} from './support.mjs';

const PASSWORD = 'correct horse battery staple';

let server;
let browser;
let rp;
let client;

// The relying party's page that frames the check-session page.
function rpPage(path) {
  if (path !== '/watch') {
    return null;
  }
  return `<!doctype html><html lang="en"><title>Example RP</title>
<h1>Example RP</h1><iframe id="op" title="session check" src="${server.url('/check-session')}"></iframe>`;
}

// Signs alice in (the login page when it shows, then consent when asked);
// the session_state the relying party's redirect_uri got.
async function signIn(page, extra = {}) {
  const { challenge } = pkce();
  await page.goto(server.urlWith('/authorize', {
    response_type: 'code', client_id: client.client_id, redirect_uri: rp.redirectUri,
    scope: 'openid', state: 's', nonce: 'n', code_challenge: challenge,
    code_challenge_method: 'S256', ...extra,
  }));
  await passSignIn(page, 'alice', PASSWORD);
  await page.waitForURL(`${rp.redirectUri}?**`);
  const url = new URL(page.url());
  assert.ok(url.searchParams.get('code'), page.url());
  const sessionState = url.searchParams.get('session_state');
  assert.match(sessionState ?? '', /^[0-9a-f]{64}\.[0-9a-f]+$/);
  return { sessionState };
}

// Opens the relying party's watching page and posts message to the frame,
// as the relying party's script would: the frame's answer.
async function ask(page, message) {
  if (!page.url().startsWith(`${rp.origin}/watch`)) {
    await page.goto(`${rp.origin}/watch`);
  }
  return page.evaluate((msg) => new Promise((done, fail) => {
    const frame = document.getElementById('op');
    const timer = setTimeout(() => fail(new Error('no answer from the frame')), 5000);
    window.addEventListener('message', function onMessage(event) {
      if (event.source !== frame.contentWindow) return;
      window.removeEventListener('message', onMessage);
      clearTimeout(timer);
      done(event.data);
    });
    frame.contentWindow.postMessage(msg, new URL(frame.src).origin);
  }), message);
}

before(async () => {
  server = await startServer({ session: { management: 'true' } });
  rp = await startRelyingParty(rpPage);
  server.cli(['user', 'create', 'alice', '--password-stdin'], { input: `${PASSWORD}\n` });
  client = server.cliJson(['client', 'create', '--name', 'Watching RP', '--grant-types',
    'authorization_code', '--scope', 'openid', '--post-logout-redirect-uri',
    `${rp.origin}/logged-out`, '--redirect-uri', rp.redirectUri]);
  browser = await launchBrowser();
});

after(() => closeAll({ browser, rp, server }));

test('unchanged while signed in, changed after logout', async () => {
  await browser.context.clearCookies();
  const page = await browser.context.newPage();
  const { sessionState } = await signIn(page);
  const message = `${client.client_id} ${sessionState}`;
  assert.equal(await ask(page, message), 'unchanged');
  assert.equal(await ask(page, message), 'unchanged');
  await screenshot(page, 'session-management-relying-party');

  // RP-initiated logout, asked on oidcd's page, back to the relying party
  await page.goto(server.urlWith('/end-session', {
    client_id: client.client_id, post_logout_redirect_uri: `${rp.origin}/logged-out`,
  }));
  await page.locator('form [type=submit]').click();
  await page.waitForURL(`${rp.origin}/logged-out**`);
  assert.equal(await ask(page, message), 'changed');
  await page.close();
});

test('a new login changes the state: the old session_state is changed, the new unchanged',
  async () => {
    await browser.context.clearCookies();
    const page = await browser.context.newPage();
    const first = await signIn(page);
    const second = await signIn(page, { prompt: 'login' });
    assert.notEqual(first.sessionState, second.sessionState);
    assert.equal(await ask(page, `${client.client_id} ${first.sessionState}`), 'changed');
    assert.equal(await ask(page, `${client.client_id} ${second.sessionState}`), 'unchanged');
    // another client's id over the same state is not this session's
    assert.equal(await ask(page, `someone-else ${second.sessionState}`), 'changed');
    await page.close();
  });

test('a message that is no client_id and session_state: error', async () => {
  await browser.context.clearCookies();
  const page = await browser.context.newPage();
  const { sessionState } = await signIn(page);
  for (const bad of ['', 'garbage', `${client.client_id}`, `${client.client_id} nodot`,
    `${client.client_id} ${sessionState.toUpperCase()}`, 'x'.repeat(5000)]) {
    assert.equal(await ask(page, bad), 'error', JSON.stringify(bad.slice(0, 40)));
  }
  assert.equal(await ask(page, { not: 'a string' }), 'error');
  await page.close();
});

// Counts the digests the framed check-session page computes.
async function countDigests(page) {
  const frame = page.frames().find((f) => f.url().startsWith(server.url('/check-session')));
  assert.ok(frame, 'the check-session frame');
  await frame.evaluate(() => {
    const digest = crypto.subtle.digest.bind(crypto.subtle);
    window.digests = 0;
    crypto.subtle.digest = (...args) => { window.digests += 1; return digest(...args); };
  });
  return () => frame.evaluate(() => window.digests);
}

test('signed in or out, an answer comes only after a digest', async () => {
  await browser.context.clearCookies();
  const page = await browser.context.newPage();
  const { sessionState } = await signIn(page);
  await page.goto(`${rp.origin}/watch`);
  let digests = await countDigests(page);
  assert.equal(await ask(page, `${client.client_id} ${sessionState}`), 'unchanged');
  assert.equal(await digests(), 1);
  await browser.context.clearCookies();
  await page.reload();
  digests = await countDigests(page);
  assert.equal(await ask(page, `${client.client_id} ${sessionState}`), 'changed');
  assert.equal(await digests(), 1, 'signed out answered without the digest');
  await page.close();
});

test('the check-session page runs without CSP violations', async () => {
  const page = await browser.context.newPage();
  const errors = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  await page.goto(`${rp.origin}/watch`);
  assert.equal(await ask(page, 'garbage'), 'error');
  assert.deepEqual(errors, []);
  await page.goto(server.url('/check-session'));
  assert.equal(await page.title(), 'Session check');
  await screenshot(page, 'session-management-check-session');
  await page.close();
});
