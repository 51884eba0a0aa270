import type { SourceReport } from '../src/model/source-report.js';
import type { Item } from '../src/model/item.js';
import type { FeedSite, PublishInput } from '../src/publish/index.js';

// Hand-built items in the shape of src/item.ts: what the pipeline would store for real life-cycle
// moves of ISO/IEC 42005, 42001 and 42006. Literal values on purpose: tests compare the published
// files against these facts, not against the code's own output.

const ISO_LICENCE = {
  tag: 'proprietary-metadata-only',
  rights: 'ISO/IEC copyright — metadata only',
  attribution: 'Catalogue metadata from iso.org; the standard itself is © ISO/IEC and sold by ISO and its members.',
  uri: 'https://www.iso.org/terms-conditions-licence-agreement.html',
} as const;

const SHA_A = 'a3f1c2d4e5b6978812345678901234567890abcdefabcdefabcdefabcdef0123';
const SHA_B = '0f1e2d3c4b5a69788796a5b4c3d2e1f00112233445566778899aabbccddeeff0';

export const SITE: FeedSite = {
  title: 'regwatch: ISO/IEC 42001 family',
  publicUrl: 'http://127.0.0.1:8080/',
  description: 'Life-cycle changes of ISO/IEC 42001 and related standards',
};

export const FDIS_42005: Item = {
  id: 'tag:regwatch,2026:iso_42005/iso:44545/2',
  source: 'iso_42005',
  document: { key: 'iso:44545', reference: 'ISO/IEC FDIS 42005', url: 'https://www.iso.org/standard/44545.html' },
  observedAt: '2025-03-10T06:00:12Z',
  effectiveDate: '2025-03-06',
  effectiveDateKind: 'stage-date',
  severity: 'major',
  event: 'fdis',
  alsoEvents: ['publication-date'],
  summary: 'ISO/IEC 42005: FDIS ballot initiated [50.20], was FDIS registered for formal approval [50.00]',
  changes: [
    { field: 'stage', before: '50.00', after: '50.20' },
    { field: 'stageDate', before: '2025-01-20', after: '2025-03-06' },
    { field: 'publicationDate', before: '2025-07', after: '2025-05' },
  ],
  provenance: {
    url: 'https://www.iso.org/standard/44545.html',
    fetchedAt: '2025-03-10T06:00:09Z',
    httpStatus: 200,
    sha256: SHA_A,
    watcher: 'iso-page',
    watcherVersion: '3',
  },
  alsoSeenBy: [
    {
      source: 'iso_opendata',
      provenance: {
        url: 'https://isopublicstorageprod.blob.core.windows.net/opendata/_latest/iso_deliverables_metadata/json/iso_deliverables_metadata.jsonl',
        fetchedAt: '2025-03-10T06:01:30Z',
        httpStatus: 200,
        sha256: SHA_B,
        watcher: 'iso-opendata',
        watcherVersion: '2',
      },
    },
  ],
  licence: { ...ISO_LICENCE },
};

export const HEALTH_42006: Item = {
  id: 'tag:regwatch,2026:iso_42006/source-health/2025-03-09T06:00:00Z',
  source: 'iso_42006',
  document: null,
  observedAt: '2025-03-09T06:00:03Z',
  effectiveDate: null,
  effectiveDateKind: null,
  severity: 'info',
  event: 'source-health',
  alsoEvents: [],
  summary: 'iso_42006 unreadable: fetch: GET https://www.iso.org/standard/44546.html returned 403 (3 checks in a row)',
  changes: [],
  provenance: {
    url: 'https://www.iso.org/standard/44546.html?lang=en&src=rw',
    fetchedAt: '2025-03-09T06:00:02Z',
    httpStatus: 403,
    sha256: SHA_B,
    watcher: 'iso-page',
    watcherVersion: '3',
  },
  alsoSeenBy: [],
  // A source with no licence document: no dcterms:license, no rel="license".
  licence: { tag: 'facts-and-quotation', rights: 'Facts only; no open licence', attribution: 'iso.org catalogue page' },
};

export const BASELINE_42001: Item = {
  id: 'tag:regwatch,2026:iso_42001/iso:81230/1',
  source: 'iso_42001',
  document: { key: 'iso:81230', reference: 'ISO/IEC 42001:2023', url: 'https://www.iso.org/standard/81230.html' },
  observedAt: '2025-03-01T06:00:00.000Z',
  effectiveDate: '2023-12',
  effectiveDateKind: 'publication-date',
  severity: 'baseline',
  event: 'baseline',
  alsoEvents: [],
  summary: 'ISO/IEC 42001:2023 first observed: published [60.60]',
  changes: [],
  provenance: {
    url: 'https://www.iso.org/standard/81230.html',
    fetchedAt: '2025-03-01T05:59:58.000Z',
    httpStatus: 200,
    sha256: SHA_A,
    watcher: 'iso-page',
    watcherVersion: '3',
  },
  alsoSeenBy: [],
  licence: { ...ISO_LICENCE },
};

/** Newest first, as the store returns them. */
export const REALISTIC_ITEMS: Item[] = [FDIS_42005, HEALTH_42006, BASELINE_42001];

export const SOURCES: SourceReport[] = [
  {
    id: 'iso_42005',
    watcher: 'iso-page',
    watcherVersion: '3',
    url: 'https://www.iso.org/standard/44545.html',
    licence: { ...ISO_LICENCE },
    state: 'ok',
    lastVerdict: 'changed',
    lastDetail: null,
    lastCode: null,
    lastCheckedAt: '2025-03-10T06:00:12Z',
    lastGoodCheckAt: '2025-03-10T06:00:12Z',
    lastChangeAt: '2025-03-10T06:00:12Z',
    consecutiveFailures: 0,
    documents: [
      {
        key: 'iso:44545',
        reference: 'ISO/IEC FDIS 42005',
        status: 'under-development',
        stage: '50.20',
        phase: 'approval',
        url: 'https://www.iso.org/standard/44545.html',
      },
    ],
    disagreements: [],
  },
  {
    id: 'iso_42006',
    watcher: 'iso-page',
    watcherVersion: '3',
    url: 'https://www.iso.org/standard/44546.html',
    licence: { ...ISO_LICENCE },
    state: 'degraded',
    lastVerdict: 'unreadable',
    lastDetail: 'fetch: GET https://www.iso.org/standard/44546.html returned 403',
    lastCode: null,
    lastCheckedAt: '2025-03-10T06:00:20Z',
    lastGoodCheckAt: '2025-03-01T06:00:05Z',
    lastChangeAt: null,
    consecutiveFailures: 3,
    documents: [],
    disagreements: [],
  },
];

export function realisticInput(overrides: Partial<PublishInput> = {}): PublishInput {
  return { site: SITE, items: REALISTIC_ITEMS, feedItems: 100, sources: SOURCES, generatedAt: '2025-03-10T06:00:12Z', ...overrides };
}

// ---- hostile text ------------------------------------------------------------------------------

/** Every character class that breaks naive XML writers; the second `]]>` is the one `feed` misses. */
export const HOSTILE_SUMMARY =
  'A]]>B]]>C & D < E > F "G" \'H\' &amp; I\u0000\u0001\u0008\u000b\u000c\u000e\u001f\u007fJ\ud800K\udfffL\ufffe\uffffM 🚀 שלום ‏مرحبا';
/** The same text as a reader must show it: XML-illegal characters, DEL and lone surrogates gone, the rest intact. */
export const HOSTILE_SUMMARY_SHOWN = 'A]]>B]]>C & D < E > F "G" \'H\' &amp; IJKLM 🚀 שלום ‏مرحبا';

const HOSTILE_URL = 'https://www.iso.org/standard/44545.html?a=1&b=%3Cx%3E&c="q"';

export function hostileItem(n: number, summary = HOSTILE_SUMMARY): Item {
  return {
    ...FDIS_42005,
    id: `tag:regwatch,2026:iso_42005/iso:44545/hostile-${n}`,
    document: { key: 'iso:44545', reference: 'ISO/IEC 42005 ]]> & <x> "r" \'s\' ]]>\u0007', url: HOSTILE_URL },
    observedAt: `2025-04-0${n}T06:00:00Z`,
    summary,
    changes: [
      { field: 'title <&> ]]>', before: 'Before ]]> & <b>bold</b>\ttab\nnewline\r\ncrlf\u0003', after: 'After ]]>]]> \'"\u202eRTL override' },
      { field: 'pages', before: 36, after: null },
    ],
    provenance: { ...FDIS_42005.provenance, url: HOSTILE_URL, watcherVersion: '3 <&> ]]>' },
    alsoSeenBy: [],
    licence: {
      tag: 'proprietary-metadata-only',
      rights: 'ISO/IEC © — "metadata" <only> & ]]> ]]>',
      attribution: 'AT&T <ok> ]]>\u0010',
      uri: 'https://example.org/licence?a=1&b=2',
    },
  };
}

/** Every string at the longest the Item schema allows. */
export function longestItem(): Item {
  // Ends in a full stop: readers trim trailing spaces, which would be their doing, not ours.
  const long = (n: number, seed: string) => `${seed.repeat(Math.ceil(n / seed.length)).slice(0, n - 1)}.`;
  return {
    ...FDIS_42005,
    id: `tag:regwatch,2026:${long(300, 'iso_42005/iso:44545/')}`,
    source: long(64, 'iso_42005_'),
    document: { key: 'iso:999999999', reference: long(120, 'ISO/IEC_42005_]]>_&_'), url: 'https://www.iso.org/standard/44545.html' },
    observedAt: '2025-04-20T06:00:00Z',
    summary: long(400, 'Ünïcødé ]]> & <tag> 🚀 '),
    alsoEvents: Array.from({ length: 20 }, () => 'publication-date' as const),
    changes: Array.from({ length: 100 }, (_, i) => ({
      field: long(80, `f${i}<&>`),
      before: long(2000, 'b]]>&<'),
      after: long(2000, 'a"\'<'),
      wordDiff: long(2000, '[-x-]{+y+}'),
    })),
    provenance: { ...FDIS_42005.provenance, watcher: long(40, 'w<&>'), watcherVersion: long(40, 'v]]>') },
    alsoSeenBy: Array.from({ length: 10 }, (_, i) => ({ source: long(64, `s${i}&`), provenance: FDIS_42005.provenance })),
    licence: { tag: 'share-alike-noncommercial', rights: long(300, 'CC BY-NC-SA & <x> '), attribution: long(300, '"a" \'b\' ]]> ') },
  };
}
