// The harness itself: chromium, offline and as root, loads a document the
// server already serves (discovery) and sees the server's own issuer in it.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launchBrowser, startServer } from './support.mjs';

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  server?.cleanup();
});

test('chromium loads the discovery document', async () => {
  const page = await browser.context.newPage();
  const resp = await page.goto(server.url('/.well-known/openid-configuration'));
  assert.equal(resp.status(), 200);
  assert.match(resp.headers()['content-type'], /^application\/json/);
  const doc = JSON.parse(await page.locator('body').innerText());
  assert.equal(doc.issuer, server.issuer);
  assert.equal(doc.token_endpoint, `${server.issuer}/token`);
  await page.close();
});
