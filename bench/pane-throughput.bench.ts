// Issue 6: 10k lines/s into an open log pane in Chromium for 10 s. Measures frame-time p95
// (requestAnimationFrame deltas in the page) against the same page showing an idle service's
// pane, and how many lines the pane showed against how many were written (the pane's dropped
// counter and the last line number on screen). Needs the built app (`npm run build`) and
// Debian's chromium. PANE_BENCH_SECONDS sets the window (default 10).
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { chromiumAvailable, launchChromium } from '../e2e/helpers/chromium';
import { repoRoot, startDaemon } from '../e2e/helpers/daemon-process';
import { percentile } from './figures';

const seconds = Math.max(2, Number(process.env.PANE_BENCH_SECONDS ?? 10));

// A string, not a function: tsx's helpers (__name) do not exist in the page.
const FRAME_TIMES = `(windowMs) => new Promise((resolve) => {
  const deltas = [];
  let last = performance.now();
  const end = last + windowMs;
  const tick = (now) => {
    deltas.push(now - last);
    last = now;
    if (now < end) requestAnimationFrame(tick);
    else resolve(deltas);
  };
  requestAnimationFrame(tick);
})`;

async function frameTimes(page: Page, ms: number): Promise<number[]> {
  return page.evaluate(`(${FRAME_TIMES})(${ms})`) as Promise<number[]>;
}

async function openPane(page: Page, url: string, service: string): Promise<void> {
  await page.goto(url);
  await page.getByRole('button', { name: 'List' }).click();
  await page.locator(`[data-service="${service}"]`).click();
  await page.locator(`[data-log="${service}"]`).waitFor();
}

async function main(): Promise<void> {
  if (!chromiumAvailable()) {
    console.log('pane throughput: skipped, no chromium at /usr/bin/chromium');
    return;
  }
  const daemon = await startDaemon(['--config', join(repoRoot, 'bench', 'fixtures', 'pane.toml')]);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await openPane(page, daemon.url, 'quiet');
    const baseline = await frameTimes(page, seconds * 1000);

    await openPane(page, daemon.url, 'firehose');
    const headers = { Authorization: `Bearer ${daemon.token}` };
    const lastWritten = async () => {
      const body = (await (await fetch(`${daemon.origin}/api/logs/firehose?lines=1`, { headers })).json()) as { lines: string[] };
      return Number(/line (\d+)/.exec(body.lines.at(-1) ?? '')?.[1] ?? 0);
    };
    const writtenBefore = await lastWritten();
    const loaded = await frameTimes(page, seconds * 1000);
    // Where the pane is and where the service is, read back to back.
    const rows = await page.locator('[data-log="firehose"] .xterm-rows > div').allTextContents();
    const writtenAfter = await lastWritten();
    const shownLast = Math.max(0, ...rows.map((row) => Number(/line (\d+)/.exec(row)?.[1] ?? 0)));
    const droppedText = (await page.locator('[data-log="firehose"] .log-dropped').textContent().catch(() => null)) ?? '0';
    const dropped = Number(/(\d+)/.exec(droppedText)?.[1] ?? 0);

    const p95Base = percentile(baseline, 95);
    const p95Load = percentile(loaded, 95);
    const written = writtenAfter - writtenBefore;
    console.log(`log pane under ${((written / seconds) | 0).toLocaleString('en')} lines/s for ${seconds} s (Chromium, DOM renderer)`);
    console.log(`  frame time p95: idle pane ${p95Base.toFixed(1)} ms, busy pane ${p95Load.toFixed(1)} ms, ratio ${(p95Load / p95Base).toFixed(2)}× (goal < 50 ms)`);
    console.log(`  frames in the window: idle ${baseline.length}, busy ${loaded.length}; busy p50 ${percentile(loaded, 50).toFixed(1)} ms, max ${Math.max(...loaded).toFixed(1)} ms`);
    console.log(`  lines written in the window ${written.toLocaleString('en')}; the pane dropped ${dropped.toLocaleString('en')} (${((1 - dropped / Math.max(1, written)) * 100).toFixed(1)} % shown)`);
    console.log(`  last line on screen ${shownLast.toLocaleString('en')} vs last written ${writtenAfter.toLocaleString('en')} (lag ${Math.max(0, writtenAfter - shownLast).toLocaleString('en')} lines)`);
  } finally {
    await browser.close();
    await daemon.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
