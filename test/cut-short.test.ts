import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cutShortReason } from '../src/fetch/cut-short.js';
import type { ExtractOutcome } from '../watchers/kind.js';
import { extractIsoPage } from '../watchers/iso-page/extract.js';
import { extractIecWebstore } from '../watchers/iec-webstore/extract.js';
import { extractCenProject } from '../watchers/cen-project/extract.js';
import { extractTechpubs } from '../watchers/nist-techpubs/extract.js';
import { describeWithFixtures, FIXTURES_DIR, isoPageRows, itHasRows, publisherManifest, readFixture } from './fixtures.js';

// A recorded page cut short (a connection closed early under close-delimited framing, a server that
// failed mid-render) is unreadable, never a record with its last fields and relations missing: the
// diff would publish those as removed (a failure is never a change).

const CUTS = [0.3, 0.6, 0.9, 0.99];
const NO_SCOPE = { knownKeys: new Set<string>(), scope: { keys: [], groups: [] } };

interface Recorded {
  name: string;
  body: string;
  read(body: string): ExtractOutcome;
}

function recordedDocuments(): Recorded[] {
  const iso = isoPageRows().map((row) => ({
    name: row.file,
    body: readFixture('iso-pages', row.file),
    read: (body: string) => extractIsoPage(body, { url: row.url }),
  }));
  const iec = publisherManifest('iec').map((row) => ({
    name: row.file,
    body: readFixture('iec', row.file),
    read: (body: string) => extractIecWebstore(body, { url: row.url }),
  }));
  const cen = publisherManifest('cen').map((row) => ({
    name: row.file,
    body: readFixture('cen', row.file),
    read: (body: string) => extractCenProject(body, { url: row.url, options: {}, ...NO_SCOPE }),
  }));
  const techpubs = readdirSync(join(FIXTURES_DIR, 'nist', 'techpubs'))
    .filter((file) => file.endsWith('.html'))
    .map((file) => ({
      name: file,
      body: readFixture(join('nist', 'techpubs'), file),
      read: (body: string) => extractTechpubs(body, { url: 'https://pages.nist.gov/NIST-Tech-Pubs/AI.html', options: {}, ...NO_SCOPE }),
    }));
  // Only what reads whole as records: error pages and soft errors are unreadable already.
  return [...iso, ...iec, ...cen, ...techpubs].filter((doc) => doc.read(doc.body).kind === 'records');
}

describe('cutShortReason', () => {
  it('finds the closing tag at the end, in any ASCII case, before a little trailing markup', () => {
    expect(cutShortReason('<html><body>x</body></html>\n', 'html')).toBeUndefined();
    expect(cutShortReason('<HTML><BODY>x</BODY></HTML >', 'html')).toBeUndefined();
    expect(cutShortReason(`<RES><ROW/></RES>${'\n'.repeat(10)}`, 'RES')).toBeUndefined();
    expect(cutShortReason('<html><body>x</body></html><!-- served by a cache --><script>beacon()</script>', 'html')).toBeUndefined();
  });

  it('calls a body cut short when the tag is missing, is another tag, or lies a page back from the end', () => {
    expect(cutShortReason('<html><body><table><tr><td>Edition', 'html')).toMatch(
      /^the body \(34 characters\) ends before the document's closing <\/html> tag: cut short/,
    );
    expect(cutShortReason('<html><body>x</body></htmlx>', 'html')).toMatch(/cut short/);
    expect(cutShortReason(`<html><script>w('</html>')</script><p>${'text '.repeat(1000)}`, 'html')).toMatch(/cut short/);
    expect(cutShortReason('', 'html')).toMatch(/cut short/);
  });
});

describe('the IEC webstore kind', () => {
  const HISTORY = 'https://webstore.iec.ch/webstore/webstore.nsf/AjaxRequestXML?Openagent&url=161';
  it('names an error page for what it is, even when it never closes', () => {
    const outcome = extractIecWebstore('<html><head><title>Access denied</title></head><body>Access denied', {
      url: 'https://webstore.iec.ch/publication/161',
    });
    expect(outcome).toEqual({ kind: 'unreadable', reason: expect.stringMatching(/^iec-webstore: \S+: error page instead of the publication page/) });
  });

  it('reads a history with no row, however its empty root is written, as no record', () => {
    for (const body of ['<RES/>', '<?xml version="1.0"?>\n<RES count="0"/>\n', '<RES />\n<!-- cached -->\n']) {
      expect(extractIecWebstore(body, { url: HISTORY }), body).toEqual({ kind: 'records', records: [] });
    }
  });
});

describeWithFixtures('recorded pages cut short are unreadable, never a record', () => {
  const documents = recordedDocuments();
  itHasRows('recorded pages and histories that read as records', documents, 200);

  it('reads every recorded page and history whole: none ends early', () => {
    for (const doc of documents) expect(cutShortReason(doc.body, doc.name.endsWith('.xml') ? 'RES' : 'html'), doc.name).toBeUndefined();
  });

  it.each(CUTS)('cut to %s of its length: unreadable, or (cut only after the page ends) the same records', (fraction) => {
    let unreadable = 0;
    for (const doc of documents) {
      const outcome = doc.read(doc.body.slice(0, Math.floor(doc.body.length * fraction)));
      if (outcome.kind === 'unreadable') {
        unreadable += 1;
        continue;
      }
      // CEN's APEX pages close </HTML> twice, scripts between: a cut after the first loses no field.
      expect(outcome, doc.name).toEqual(doc.read(doc.body));
    }
    expect(unreadable).toBeGreaterThan(documents.length / 2);
  });
});
