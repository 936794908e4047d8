// Takes the README's screenshot of the web app: the seed scenario's analysis view.
//   IMPASSE_BIN=target/release/impasse node web-tests/screenshot.mjs [OUT.png]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = fileURLToPath(new URL('../', import.meta.url));
const out = process.argv[2] ?? join(root, 'docs/img/web-app.png');
const data = mkdtempSync(join(tmpdir(), 'impasse-shot-'));
const bin = process.env.IMPASSE_BIN ?? join(root, 'target/release/impasse');
const server = spawn(bin, ['serve', '--port', '0', '--data', data], { stdio: ['ignore', 'ignore', 'pipe'] });
const url = await new Promise((resolve, reject) => {
  let seen = '';
  server.stderr.on('data', (c) => {
    seen += c;
    const m = seen.match(/http:\/\/127\.0\.0\.1:\d+\//);
    if (m) resolve(m[0]);
  });
  server.on('exit', (code) => reject(new Error(`server exited ${code}: ${seen}`)));
});
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto(url);
  await page.locator('#scenario-list li[data-scenario="negotiation-impasse-2023"]').click();
  await page.locator('#tab-analysis').click();
  await page.locator('#utility-plot svg circle.pkg').first().waitFor();
  await page.locator('#ripeness-plot svg').waitFor();
  await page.locator('#utility-plot svg circle.pkg').nth(40).hover();
  await page.screenshot({ path: out });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  server.kill('SIGTERM');
  rmSync(data, { recursive: true, force: true });
}
