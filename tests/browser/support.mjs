// Shared by the browser tests: one oidcd server per test file (fresh
// directory, config, SQLite database and key file, free loopback port) and
// Debian's chromium driven by playwright-core, offline and as root.
//
// The binary is $OIDCD_BIN (default <repo>/build/oidcd); screenshots go to
// tests/browser/out/ (not committed).

import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, mkdirSync, openSync, closeSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const HERE = dirname(fileURLToPath(import.meta.url));
export const REPO = resolve(HERE, '..', '..');
export const OUT_DIR = join(HERE, 'out');
const OIDCD_BIN = resolve(process.env.OIDCD_BIN || join(REPO, 'build', 'oidcd'));
const CHROMIUM = '/usr/bin/chromium';
// the sanitizer build starts and answers slower; never wait forever
const START_TIMEOUT_MS = 30000;
const STOP_TIMEOUT_MS = 10000;
const CLI_TIMEOUT_MS = 30000;

// Chromium offline as root: no sandbox (root), no GPU, no QUIC, and none of
// the background fetches (updates, sync, first-run) a closed network refuses.
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

export function freePort() {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => done(port));
    });
  });
}

function iniText(sections) {
  return Object.entries(sections)
    .map(([name, values]) => [`[${name}]`, ...Object.entries(values).map(([k, v]) => `${k} = ${v}`), ''].join('\n'))
    .join('\n');
}

// The caller's environment without any OIDCD_* variable (as conftest.py's clean_env).
function cleanEnv() {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('OIDCD_')));
}

export class Server {
  constructor(port, config = {}) {
    this.dir = mkdtempSync(join(tmpdir(), 'oidcd-browser-'));
    this.port = port;
    this.issuer = `http://127.0.0.1:${port}`;
    this.configPath = join(this.dir, 'oidcd.ini');
    this.logPath = join(this.dir, 'server.log');
    const sections = {
      server: { issuer: this.issuer, listen: `127.0.0.1:${port}`, threads: 2 },
      database: { url: `sqlite:${join(this.dir, 'oidcd.db')}` },
      keys: { encryption_key_file: join(this.dir, 'oidcd.kek') },
      log: { flush_interval_ms: 20 },
      // cheap password hashes, as in the black-box suite
      passwords: { argon2_memory_kib: 1024, argon2_iterations: 1 },
    };
    for (const [name, values] of Object.entries(config)) {
      sections[name] = { ...(sections[name] || {}), ...values };
    }
    writeFileSync(this.configPath, iniText(sections));
    this.proc = null;
  }

  url(path) {
    return this.issuer + path;
  }

  // path on this server with params as its query, each encoded.
  urlWith(path, params) {
    const url = new URL(this.url(path));
    for (const [k, v] of Object.entries(params)) {
      url.searchParams.set(k, v);
    }
    return url.toString();
  }

  async start() {
    const log = openSync(this.logPath, 'a');
    try {
      this.proc = spawn(OIDCD_BIN, ['serve', '--config', this.configPath], {
        cwd: this.dir, env: cleanEnv(), stdio: ['ignore', log, log],
      });
    } finally {
      closeSync(log);
    }
    await new Promise((done, fail) => this.proc.once('spawn', done).once('error', fail));
    this.exited = new Promise((done) => this.proc.once('exit', (code, signal) => done({ code, signal })));
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (this.proc.exitCode !== null) {
        throw new Error(`oidcd exited with ${this.proc.exitCode}:\n${this.logText()}`);
      }
      if (await this.isHealthy()) {
        return this;
      }
      await sleep(50);
    }
    this.proc.kill('SIGKILL');
    throw new Error(`oidcd not ready after ${START_TIMEOUT_MS} ms:\n${this.logText()}`);
  }

  async isHealthy() {
    try {
      const resp = await fetch(this.url('/healthz'), { signal: AbortSignal.timeout(2000) });
      return resp.status === 200;
    } catch {
      return false;
    }
  }

  // SIGTERM and wait; the server must exit 0 (as in the black-box suite).
  async stop() {
    if (this.proc === null || this.proc.exitCode !== null || this.proc.signalCode !== null) {
      return this.proc && this.proc.exitCode;
    }
    this.proc.kill('SIGTERM');
    let timer;
    const timeout = new Promise((done) => { timer = setTimeout(() => done(null), STOP_TIMEOUT_MS); });
    const result = await Promise.race([this.exited, timeout]);
    clearTimeout(timer);
    if (result === null) {
      this.proc.kill('SIGKILL');
      throw new Error(`oidcd did not exit within ${STOP_TIMEOUT_MS} ms of SIGTERM`);
    }
    if (result.code !== 0) {
      throw new Error(`oidcd exited with ${result.code ?? result.signal} after SIGTERM:\n${this.logText()}`);
    }
    return 0;
  }

  // Removes the server's directory; call after stop().
  cleanup() {
    rmSync(this.dir, { recursive: true, force: true });
  }

  // `oidcd ARGS --config FILE`, optionally with stdin; throws unless it exits 0.
  cli(args, { input } = {}) {
    const result = spawnSync(OIDCD_BIN, [...args, '--config', this.configPath], {
      cwd: this.dir, env: cleanEnv(), input: input ?? '', encoding: 'utf8', timeout: CLI_TIMEOUT_MS,
    });
    if (result.status !== 0) {
      throw new Error(`oidcd ${args.join(' ')} exited with ${result.status}: ${result.stderr}`);
    }
    return result.stdout;
  }

  cliJson(args, options) {
    return JSON.parse(this.cli([...args, '--json'], options));
  }

  logText() {
    try {
      return readFileSync(this.logPath, 'utf8');
    } catch {
      return '';
    }
  }
}

export async function startServer(config) {
  return new Server(await freePort(), config).start();
}

// A fresh chromium profile (its own user-data-dir) and one context in it:
// { context, close() }. close() also removes the profile.
export async function launchBrowser() {
  const profile = mkdtempSync(join(tmpdir(), 'oidcd-chromium-'));
  let context;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      env: { ...process.env, HOME: profile },
      timeout: 60000,
    });
  } catch (err) {
    rmSync(profile, { recursive: true, force: true });
    throw err;
  }
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

// A full-page screenshot in tests/browser/out/NAME.png; returns its path.
export async function screenshot(page, name) {
  mkdirSync(OUT_DIR, { recursive: true });
  const path = join(OUT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

// A relying party on a free loopback port: shows (and records, in received)
// what reached any of its paths (but /favicon.ico), by GET (query) or POST (form), as a page
// titled "Example RP"; page(path), when it returns a string, serves that
// HTML instead. redirectUri is its /cb; origin its scheme://host:port.
export function startRelyingParty(page = () => null) {
  const received = [];
  const http = createHttpServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => {
      const url = new URL(req.url, 'http://127.0.0.1');
      const params = req.method === 'POST' ? new URLSearchParams(body) : url.searchParams;
      const got = Object.fromEntries(params);
      // the browser's own favicon fetch is no visit of the person's
      if (url.pathname !== '/favicon.ico') {
        received.push({ method: req.method, path: url.pathname, params: got });
      }
      const text = (v) => String(v ?? '').replace(/[^A-Za-z0-9_.~-]/g, '');
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(page(url.pathname) ?? `<!doctype html><html lang="en"><title>Example RP</title>
<p>code: <span id="code">${text(got.code)}</span></p>
<p>error: <span id="error">${text(got.error)}</span></p>
<p>state: <span id="state">${text(got.state)}</span></p>`);
    });
  });
  return new Promise((done) => {
    http.listen(0, '127.0.0.1', () => {
      const { port } = http.address();
      done({
        received,
        origin: `http://127.0.0.1:${port}`,
        redirectUri: `http://127.0.0.1:${port}/cb`,
        close: () => new Promise((closed) => http.close(closed)),
      });
    });
  });
}

// A PKCE pair (S256): { verifier, challenge }.
export function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

// The authorization_code grant at server's /token for client (Basic):
// { status, body }.
export async function redeemCode(server, client, redirectUri, code, verifier) {
  const basic = Buffer.from(`${encodeURIComponent(client.client_id)}:${encodeURIComponent(client.client_secret)}`).toString('base64');
  const resp = await fetch(server.url('/token'), {
    method: 'POST',
    headers: { Authorization: `Basic ${basic}`, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier,
    }),
  });
  return { status: resp.status, body: await resp.json() };
}

// Clicks a button whose form is posted to path, perhaps only later by a
// script (passkey.js posts after the authenticator answers), and waits for
// the answer and the page it leads to. waitForURL alone returns at once
// when the page posts to where it already is (/account to /account).
export async function clickAndPost(page, button, path) {
  const posted = page.waitForResponse((r) => r.request().method() === 'POST'
    && new URL(r.url()).pathname === path);
  await button.click();
  const response = await posted;
  await page.waitForLoadState();
  return response;
}

// On oidcd's pages after /authorize: logs in as username when the login form
// shows, and allows when the consent page asks.
export async function passSignIn(page, username, password) {
  if (await page.locator('input[name=password]').count()) {
    await page.locator('input[name=username]').fill(username);
    await page.locator('input[name=password]').fill(password);
    await page.locator('form:has(input[name=password]) [type=submit]').click();
    await page.waitForLoadState();
  }
  if (await page.locator('[name=decision][value=allow]').count()) {
    await page.locator('[name=decision][value=allow]').click();
  }
}

// A test file's teardown: whichever of browser, rp and server it started.
export async function closeAll({ browser, rp, server }) {
  await browser?.close();
  await rp?.close();
  await server?.stop();
  server?.cleanup();
}
