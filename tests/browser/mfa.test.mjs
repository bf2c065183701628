// Second factors in chromium: alice signs in with her password and lands on
// /account, sets up an authenticator app from the page (the key read off
// the page, codes computed here with HMAC-SHA1 as RFC 6238 says), signs out,
// and signs in again with the password and a code. Screenshots of the
// account page and the second-factor page, desktop and phone width, go to
// tests/browser/out/.

import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, test } from 'node:test';
import { closeAll, launchBrowser, screenshot, startServer } from './support.mjs';

const PASSWORD = 'correct horse battery staple';
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };

let server;
let browser;

function base32Decode(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const out = [];
  for (const ch of text) {
    value = (value << 5) | alphabet.indexOf(ch);
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

// The RFC 6238 code of a base32 key for the time step of now (seconds).
function totp(secret, now = Date.now() / 1000) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(now / 30)));
  const digest = createHmac('sha1', base32Decode(secret)).update(counter).digest();
  const offset = digest[digest.length - 1] & 0x0f;
  const value = digest.readUInt32BE(offset) & 0x7fffffff;
  return String(value % 1000000).padStart(6, '0');
}

// Waits into the next 30-second step: the code of this one is spent.
function nextStep() {
  const ms = (30 - ((Date.now() / 1000) % 30)) * 1000 + 300;
  return new Promise((done) => setTimeout(done, ms));
}

async function logIn(page) {
  await page.locator('#username').fill('alice');
  await page.locator('#password').fill(PASSWORD);
  await page.locator('form:has(#password) [type=submit]').click();
  await page.waitForLoadState();
}

before(async () => {
  server = await startServer();
  server.cli(['user', 'create', 'alice', '--password-stdin', '--claim', 'name=Alice Liddell',
    '--claim', 'email=alice@example.org'], { input: `${PASSWORD}\n` });
  browser = await launchBrowser();
});

after(() => closeAll({ browser, server }));

test('set up an authenticator app on /account, then sign in with a code', async () => {
  const page = await browser.context.newPage();
  await page.setViewportSize(DESKTOP);
  await page.goto(server.url('/account'));
  await page.waitForURL('**/login');
  await logIn(page);
  await page.waitForURL('**/account');
  assert.match(await page.locator('main').innerText(), /Alice Liddell/);

  await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
  await page.waitForLoadState();
  const qr = page.getByRole('img', { name: /QR code/ });
  assert.equal(await qr.count(), 1);
  const secret = (await page.locator('#totp-secret').innerText()).trim();
  assert.match(secret, /^[A-Z2-7]{32}$/);
  await screenshot(page, 'mfa-account-enrol');
  await page.setViewportSize(PHONE);
  await screenshot(page, 'mfa-account-enrol-phone');
  await page.setViewportSize(DESKTOP);

  await page.locator('#confirm-code').fill(totp(secret));
  await page.getByRole('button', { name: 'Turn on' }).click();
  await page.waitForLoadState();
  assert.match(await page.locator('[role=status]').first().innerText(), /authenticator app is on/);
  assert.equal(await page.locator('#recovery-codes li').count(), 10);
  await screenshot(page, 'mfa-account');
  await page.setViewportSize(PHONE);
  await screenshot(page, 'mfa-account-phone');
  await page.setViewportSize(DESKTOP);

  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForLoadState();
  await page.goto(server.url('/account'));
  await page.waitForURL('**/login');
  await logIn(page);
  await page.waitForURL('**/login/mfa');
  assert.equal(await page.locator('#code').count(), 1);
  await screenshot(page, 'mfa-second-factor');
  await page.setViewportSize(PHONE);
  await screenshot(page, 'mfa-second-factor-phone');
  await page.setViewportSize(DESKTOP);

  await page.locator('#code').fill('000000' === totp(secret) ? '111111' : '000000');
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.waitForLoadState();
  assert.match(await page.locator('#mfa-error').innerText(), /did not work/);

  await nextStep();
  await page.locator('#code').fill(totp(secret));
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.waitForURL('**/account');
  assert.match(await page.locator('main').innerText(), /On since/);
});
