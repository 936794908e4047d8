// Browser tests of `impasse serve`: Debian's chromium driven by Playwright (playwright-core), through
// the page as a person would use it. The server runs on a free loopback port with a fresh data
// folder, from $IMPASSE_BIN (default: target/debug/impasse).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = fileURLToPath(new URL('../../', import.meta.url));
const SEED = 'negotiation-impasse-2023';
let server;
let url;
let browser;
let dataDir;

function startServer(dir) {
  const bin = process.env.IMPASSE_BIN ?? join(root, 'target/debug/impasse');
  const child = spawn(bin, ['serve', '--port', '0', '--data', dir], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const address = new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`no URL from the server: ${seen}`)), 30_000);
    child.stderr.on('data', (chunk) => {
      seen += chunk;
      const m = seen.match(/http:\/\/127\.0\.0\.1:\d+\//);
      if (m) {
        clearTimeout(timer);
        resolve(m[0]);
      }
    });
    child.on('exit', (code) => reject(new Error(`server exited ${code}: ${seen}`)));
  });
  return { child, address };
}

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'impasse-web-'));
  const started = startServer(dataDir);
  server = started.child;
  url = await started.address;
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox'],
  });
});

after(async () => {
  await browser?.close();
  server?.kill('SIGTERM');
  rmSync(dataDir, { recursive: true, force: true });
});

async function openScenario(page, name) {
  await page.goto(url);
  await page.locator(`#scenario-list li[data-scenario="${name}"]`).click();
}

test('the seed scenario: verdict, utility space with hover, ripeness chart', async () => {
  const page = await browser.newPage();
  await openScenario(page, SEED);
  await page.locator('#tab-analysis').click();
  await assert.doesNotReject(page.locator('#verdict').filter({ hasText: /impasse/i }).waitFor());
  const points = page.locator('#utility-plot svg circle.pkg');
  await points.first().waitFor();
  assert.ok((await points.count()) > 100, 'the utility space shows the packages');
  await points.nth(3).hover();
  await assert.doesNotReject(page.locator('#tooltip').filter({ hasText: /donbas=/ }).waitFor());
  await page.locator('#ripeness-plot svg').waitFor();
  await page.close();
});

test('the editor shows an error at its line; fixed and saved, the scenario survives a reload', async () => {
  const page = await browser.newPage();
  // A copy of the seed, so that the shipped example stays as it is.
  await openScenario(page, SEED);
  await page.locator('#new-name').fill('my-seed');
  await page.locator('#duplicate').click();
  await page.locator('#scenario-list li[data-scenario="my-seed"]').waitFor();
  await page.locator('#scenario-list li[data-scenario="my-seed"]').click();
  await page.locator('#tab-editor').click();
  const editor = page.locator('#editor');
  await editor.waitFor();
  const original = await editor.inputValue();
  const lines = original.split('\n');
  const target = lines.findIndex((l) => l.startsWith('balance = '));
  assert.ok(target > 0, 'the seed states its balance');
  lines[target] = 'balance = 1.7';
  await editor.fill(lines.join('\n'));
  await page.locator('#save').click();
  const error = page.locator(`#errors [data-line="${target + 1}"]`);
  await error.waitFor();
  assert.match(await error.textContent(), new RegExp(`line ${target + 1}`));
  lines[target] = 'balance = 0.45';
  await editor.fill(lines.join('\n'));
  await page.locator('#save').click();
  await assert.doesNotReject(page.locator('#save-status').filter({ hasText: /saved/i }).waitFor());
  await page.reload();
  await page.locator('#scenario-list li[data-scenario="my-seed"]').click();
  await page.locator('#tab-editor').click();
  assert.match(await page.locator('#editor').inputValue(), /^balance = 0\.45$/m);
  await page.close();
});

test('a negotiation runs to completion, offer by offer', async () => {
  const page = await browser.newPage();
  await openScenario(page, 'distributive-price');
  await page.locator('#tab-negotiation').click();
  await page.locator('#agents').fill('boulware,conceder');
  await page.locator('#negotiate').click();
  await assert.doesNotReject(
    page.locator('#negotiation-status').filter({ hasText: /agreement/i }).waitFor({ timeout: 60_000 }),
  );
  assert.ok((await page.locator('#offers li').count()) > 1, 'the offers are listed');
  await page.close();
});

test('a small tournament runs to completion with a leaderboard', async () => {
  const page = await browser.newPage();
  await openScenario(page, 'distributive-price');
  await page.locator('#tab-tournament').click();
  await page.locator('#tournament-agents').fill('boulware,conceder,linear');
  await page.locator('#tournament-repetitions').fill('2');
  await page.locator('#run-tournament').click();
  await assert.doesNotReject(
    page.locator('#tournament-status').filter({ hasText: /done/i }).waitFor({ timeout: 120_000 }),
  );
  assert.ok((await page.locator('#leaderboard tbody tr').count()) >= 3, 'every agent is ranked');
  await page.close();
});

test('the dynamics view answers and its sliders move the answer', async () => {
  const page = await browser.newPage();
  await openScenario(page, SEED);
  await page.locator('#tab-dynamics').click();
  await page.locator('#run-dynamics').click();
  const summary = page.locator('#dynamics-summary');
  await assert.doesNotReject(summary.filter({ hasText: /deal/i }).waitFor({ timeout: 60_000 }));
  const before = await summary.textContent();
  await page.locator('#dynamics-plot svg').waitFor();
  const slider = page.locator('input[type=range][data-param="conflict.costs.russia"]');
  await slider.fill('0.3');
  await page.locator('#run-dynamics').click();
  await page.waitForFunction(
    ([sel, text]) => document.querySelector(sel)?.textContent !== text,
    ['#dynamics-summary', before],
    { timeout: 60_000 },
  );
  await page.close();
});
