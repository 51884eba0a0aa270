import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { renderPage } from '../src/server/page.js';
import type { Item } from '../src/model/item.js';
import { FDIS_42005, hostileItem, SITE, SOURCES } from './publish-items.js';
import { REALISTIC_OLDEST_FIRST, request, startTestServer, type TestServer } from './serve-seed.js';

// `/` is a page a person reads: checked as rendered by headless Debian Chromium with JavaScript
// off, and kept as a screenshot in test-artifacts/.

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(import.meta.dirname, '..', 'test-artifacts');

describe('the page as HTML', () => {
  const hostile: Item = { ...hostileItem(1), summary: '<script>alert(1)</script> & <img src=x onerror=alert(2)>' };
  const page = renderPage({
    site: { ...SITE, title: 'regwatch <b>bold</b>' },
    schedule: { cron: '0 6 * * *', timezone: 'UTC', nextRun: '2025-03-11T06:00:00.000Z' },
    sources: [
      { report: { ...SOURCES[0]!, url: 'javascript:alert(3)' }, recent: [hostile, FDIS_42005] },
      { report: SOURCES[1]!, recent: [] },
    ],
  });

  it('escapes every value and links only http(s) URLs', () => {
    expect(page).not.toMatch(/<script|<img|<b>bold/i);
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).not.toContain('href="javascript:');
    expect(page).toContain('regwatch &lt;b&gt;bold&lt;/b&gt;');
  });

  it('says an effective date once: beside the summary, unless the summary says it already', () => {
    const said: Item = {
      ...FDIS_42005,
      summary: 'ISO/IEC 42005: publication date 2025-05-01, was none',
      effectiveDate: '2025-05-01',
      effectiveDateKind: 'publication-date',
    };
    const unsaid: Item = { ...FDIS_42005, effectiveDate: '2025-03-06', effectiveDateKind: 'stage-date' };
    const render = (item: Item) =>
      renderPage({ site: SITE, schedule: { cron: '0 6 * * *', timezone: 'UTC', nextRun: null }, sources: [{ report: SOURCES[0]!, recent: [item] }] });
    expect(render(said).match(/publication date 2025-05-01/g)).toHaveLength(1);
    expect(render(unsaid)).toContain('<span class="muted">(stage date 2025-03-06)</span>');
  });

  it('needs no JavaScript and names every feed for autodiscovery', () => {
    expect(page).not.toMatch(/<script|<[^>]*\son[a-z]+=/i);
    const alternates = [...page.matchAll(/<link rel="alternate" type="([^"]+)"[^>]* href="([^"]+)">/g)].map((m) => `${m[1]} ${m[2]}`);
    expect(alternates).toEqual([
      'application/rss+xml feed.xml',
      'application/atom+xml feed.atom',
      'application/feed+json feed.json',
      'application/rss+xml sources/iso_42005/feed.xml',
      'application/atom+xml sources/iso_42005/feed.atom',
      'application/feed+json sources/iso_42005/feed.json',
      'application/rss+xml sources/iso_42006/feed.xml',
      'application/atom+xml sources/iso_42006/feed.atom',
      'application/feed+json sources/iso_42006/feed.json',
    ]);
  });
});

const missing = existsSync(CHROMIUM) ? undefined : `${CHROMIUM} is not installed (apt-get install chromium)`;
if (missing !== undefined && !process.env.CI) console.warn(`skipping the Chromium page test: ${missing} (set CI=1 to make this a failure)`);

describe.skipIf(missing !== undefined && !process.env.CI)('the page in headless Chromium', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    if (missing !== undefined) throw new Error(`${missing}; CI is set, so a missing browser is a failure`);
    server = await startTestServer();
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it("shows each source's provenance block and Recent Changes table, severities in colour, without JavaScript", async () => {
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1200, height: 900 } });
    const page = await context.newPage();
    const response = await page.goto(server.url);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-type']).toBe('text/html; charset=utf-8');

    const sections = await page.locator('main section').evaluateAll((nodes) =>
      nodes.map((section) => ({
        id: section.id,
        heading: section.querySelector('h2')?.textContent ?? '',
        subheadings: [...section.querySelectorAll('h3')].map((h) => h.textContent),
        provenance: [...section.querySelectorAll('dl.provenance dt')].map((dt) => [dt.textContent, dt.nextElementSibling?.textContent?.trim() ?? '']),
        header: [...section.querySelectorAll('table thead th')].map((th) => th.textContent),
        rows: [...section.querySelectorAll('table tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim() ?? '')),
      })),
    );
    expect(sections.map((s) => s.id)).toEqual(['source-iso_42005', 'source-iso_42006', 'source-iso_42001', 'source-iso_opendata']);
    for (const s of sections) {
      expect(s.subheadings).toEqual(['Provenance & licence', 'Recent Changes']);
      expect(s.provenance.map(([dt]) => dt)).toEqual(['Source', 'Last observed', 'Version', 'Status', 'Licence']);
    }

    const iso42005 = sections[0]!;
    expect(iso42005.heading).toBe('ISO/IEC FDIS 42005 (iso_42005)');
    expect(Object.fromEntries(iso42005.provenance)).toMatchObject({
      Source: 'https://www.iso.org/standard/44545.html (watcher iso-page)',
      'Last observed': '2025-03-10 06:00:12 UTC',
      Status: 'under-development; source ok (last check changed)',
    });
    expect(Object.fromEntries(iso42005.provenance).Version).toMatch(/^ISO\/IEC FDIS 42005 \(stage 50\.20\)/);
    expect(Object.fromEntries(iso42005.provenance).Licence).toContain('proprietary-metadata-only: ISO/IEC copyright — metadata only.');
    expect(iso42005.header).toEqual(['Date', 'Severity', 'What changed']);
    expect(iso42005.rows).toHaveLength(1);
    expect(iso42005.rows[0]!.slice(0, 2)).toEqual(['2025-03-10', 'major']);
    expect(iso42005.rows[0]![2]).toContain(FDIS_42005.summary);
    expect(iso42005.rows[0]![2]).toContain('stage date 2025-03-06');

    const iso42006 = sections[1]!;
    expect(Object.fromEntries(iso42006.provenance).Status).toContain('source degraded: fetch: GET https://www.iso.org/standard/44546.html returned 403');
    expect(iso42006.rows.map((r) => r.slice(0, 2))).toEqual([['2025-03-09', 'info']]);
    expect(sections[2]!.rows.map((r) => r.slice(0, 2))).toEqual([['2025-03-01', 'baseline']]);
    expect(sections[3]!.rows.map((r) => r[2])).toEqual([expect.stringContaining(FDIS_42005.summary)]);

    const colour = (selector: string) =>
      page
        .locator(selector)
        .first()
        .evaluate((el) => getComputedStyle(el).backgroundColor);
    const major = await colour('.sev-major');
    const info = await colour('.sev-info');
    const baseline = await colour('.sev-baseline');
    expect(new Set([major, info, baseline]).size).toBe(3);
    expect(major).not.toBe('rgba(0, 0, 0, 0)');

    // Every autodiscovered feed resolves against the page and is served.
    const alternates = await page
      .locator('link[rel="alternate"]')
      .evaluateAll((links) => links.map((l) => [l.getAttribute('type'), (l as HTMLLinkElement).href]));
    expect(alternates).toHaveLength(3 + 3 * 4);
    for (const [type, href] of alternates) {
      const res = await request(href!);
      expect(res.status, href!).toBe(200);
      expect(res.headers['content-type']).toBe(`${type}; charset=utf-8`);
    }
    expect(REALISTIC_OLDEST_FIRST).toHaveLength(3);

    mkdirSync(ARTIFACTS, { recursive: true });
    const shot = join(ARTIFACTS, 'serve-page.png');
    await page.screenshot({ path: shot, fullPage: true });
    expect(statSync(shot).size).toBeGreaterThan(10_000);
    await context.close();
  });
});
