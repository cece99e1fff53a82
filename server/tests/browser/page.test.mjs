// The review page in a real browser: Debian's chromium, headless, driven by playwright-core.
// Starts `santei serve` (SANTEI_BIN, default target/release/santei) on a free port, computes the
// example claim on the page and checks the total and the 窓口負担 shown against the API's answer,
// opens one explanation, shows a problem for a broken claim, then uploads the UKE sample and
// checks the receipt count. Run: `npm test` in this folder (.ci/run does).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../..');
const bin = process.env.SANTEI_BIN || path.join(root, 'target/release/santei');
const shared = process.env.SANTEI_SHARED || path.resolve(root, '../shared');
const ukeSample = path.join(shared, 'uke/receiptisan/RECEIPTC_GAIRAI_SAMPLE.UKE');
const extraArgs = (process.env.SANTEI_SERVE_ARGS || '').split(' ').filter(Boolean);

let server;
let base;
let browser;

function startServer() {
  return new Promise((resolve, reject) => {
    server = spawn(bin, ['serve', '--port', '0', ...extraArgs], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    const timer = setTimeout(() => reject(new Error(`santei serve did not start:\n${err}`)), 120000);
    server.stderr.on('data', (d) => {
      err += d;
      const m = /serving on (http:\/\/[^/\s]+)\//.exec(err);
      if (m && !base) {
        base = m[1];
        clearTimeout(timer);
        resolve();
      }
    });
    server.on('exit', (code) => reject(new Error(`santei serve exited (${code}):\n${err}`)));
  });
}

before(async () => {
  await startServer();
  for (let i = 0; i < 100; i++) {
    const r = await fetch(`${base}/readyz`).catch(() => null);
    if (r && r.ok) break;
    await new Promise((ok) => setTimeout(ok, 100));
  }
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  if (browser) await browser.close();
  if (server) server.kill('SIGTERM');
});

const ja = (n) => Number(n).toLocaleString('ja-JP');

test('the example claim: total and 窓口負担 on screen equal the API', async () => {
  const example = (await (await fetch(`${base}/v1/examples`)).json())[0];
  const api = await (await fetch(`${base}/v1/claims/calculate`, {
    method: 'POST', body: JSON.stringify(example.claim),
  })).json();
  assert.ok(api.copay, 'the example has a copay');

  const page = await browser.newPage();
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(`${base}/`);
  await page.selectOption('#example', example.id);
  await page.click('#calc');
  await page.waitForSelector('#result:not([hidden])');
  assert.equal(await page.textContent('#total-points'), ja(api.total_points));
  assert.equal(await page.textContent('#window-month'), ja(api.copay.window_yen));
  const windows = await page.$$eval('#visits tbody td.window', (tds) => tds.map((t) => t.textContent));
  assert.deepEqual(windows, api.copay.visits.map((v) => ja(v.window_yen)));
  // One click shows where a number comes from.
  await page.click('#lines tbody button.num');
  await page.waitForSelector('#explain:not([hidden])');
  assert.match(await page.textContent('#explain-list'), /master|点/);
  // Findings with their citations.
  assert.equal(await page.$$eval('#findings li', (l) => l.length), api.findings.length);
  // Nothing but this server was asked for anything (no CDN).
  assert.ok(requests.every((u) => u.startsWith(base)), requests.join('\n'));
  // A broken claim: the problem (RFC 9457) is shown with its line and column.
  await page.fill('#claim-text', '{"format": ');
  await page.click('#calc');
  await page.waitForSelector('#problem:not([hidden])');
  assert.match(await page.textContent('#problem'), /400[\s\S]*claim\.json[\s\S]*行 1/);
  await page.close();
});

test('the UKE sample: receipt count on screen', async () => {
  const text = readFileSync(ukeSample, 'latin1');
  const receipts = text.split(/\r?\n/).filter((l) => l.startsWith('RE,')).length;
  assert.ok(receipts > 0);
  const page = await browser.newPage();
  await page.goto(`${base}/`);
  await page.click('#tab-uke');
  await page.setInputFiles('#uke-file', ukeSample);
  await page.click('#uke-run');
  await page.waitForFunction(() => document.getElementById('uke-status').textContent === '完了', null, { timeout: 60000 });
  assert.equal(await page.textContent('#uke-receipts'), String(receipts));
  // The filters: all receipts when "differing only" is off.
  await page.uncheck('#f-differs');
  assert.equal(await page.$$eval('#uke-table tbody tr.receipt', (r) => r.length), receipts);
  await page.close();
});
