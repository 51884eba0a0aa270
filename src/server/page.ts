import type { SourceReport } from '../model/source-report.js';
import type { Item, Severity } from '../model/item.js';
import type { FeedSite } from '../publish/index.js';
import { escapeHtml as html } from '../publish/html-escape.js';
import { effectiveDateNote } from '../publish/item-facts.js';
import { FEED_FILES, isFeedFile, PUBLISHED_FILES, PUBLISHED_FILE_TYPES } from '../publish/published-files.js';

// `/`: the reference page a person reads. Per source, the "Provenance & licence" block and the
// "Recent Changes" table (Date | Severity | What changed), with feed autodiscovery. Plain HTML and a
// little CSS: nothing needs JavaScript. Every value from the store or the config is escaped, and
// only http(s) URLs become links.

export interface PageInput {
  site: FeedSite;
  schedule: { cron: string; timezone: string; nextRun: string | null };
  sources: Array<{ report: SourceReport; recent: Item[] }>;
}

const FEEDS = FEED_FILES.map((file) => ({ file, type: PUBLISHED_FILE_TYPES[file].mediaType, label: PUBLISHED_FILE_TYPES[file].label }));
/** changes.json and sources.json: linked from the page's header, not per source. */
const OTHER_FILES = PUBLISHED_FILES.filter((file) => !isFeedFile(file));

const SEVERITY_COLOURS: Record<Severity, { fg: string; bg: string }> = {
  critical: { fg: '#fff', bg: '#b3261e' },
  major: { fg: '#1a1a1a', bg: '#f29d38' },
  minor: { fg: '#1a1a1a', bg: '#f5d96b' },
  info: { fg: '#fff', bg: '#2f6db5' },
  baseline: { fg: '#1a1a1a', bg: '#d7d7d7' },
};

function link(url: string, text: string): string {
  return /^https?:\/\//i.test(url) ? `<a href="${html(url)}">${html(text)}</a>` : html(text);
}

function time(iso: string | null, fallback = 'never'): string {
  return iso === null ? fallback : `<time datetime="${html(iso)}">${html(iso.replace('T', ' ').replace(/(\.\d+)?Z$/, ' UTC'))}</time>`;
}

function sourceFeedPath(id: string, file: string): string {
  return `sources/${encodeURIComponent(id)}/${file}`;
}

function style(): string {
  const severities = Object.entries(SEVERITY_COLOURS)
    .map(([s, c]) => `.sev-${s}{color:${c.fg};background:${c.bg}}`)
    .join('');
  return `body{font:16px/1.5 system-ui,sans-serif;margin:0 auto;max-width:70rem;padding:1rem 1.5rem;color:#1a1a1a}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{margin-top:2.5rem;border-bottom:1px solid #ccc}
dl.provenance{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}dt{font-weight:600}dd{margin:0;overflow-wrap:anywhere}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #ccc;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f3f3}caption{text-align:left}td.date{white-space:nowrap}.severity{display:inline-block;padding:0 .45rem;border-radius:.3rem;font-weight:600}
${severities}.state-degraded{color:#b3261e;font-weight:600}.muted{color:#555;font-size:.9rem}ul.docs{margin:0;padding-left:1.1rem}`;
}

function whatChanged(item: Item): string {
  const label = effectiveDateNote(item);
  const effective = label === null ? '' : ` <span class="muted">(${html(label)})</span>`;
  const fields = item.changes
    .filter((c) => c.field !== 'stage')
    .slice(0, 6)
    .map((c) => `${html(c.field)}: ${html(String(c.before ?? '—'))} → ${html(String(c.after ?? '—'))}`);
  const details = fields.length === 0 ? '' : `<br><span class="muted">${fields.join('; ')}</span>`;
  return `${link(item.document?.url ?? item.provenance.url, item.summary)}${effective}${details}`;
}

function changesTable(id: string, items: Item[]): string {
  if (items.length === 0) return '<p>No changes recorded yet.</p>';
  const rows = items.map(
    (item) =>
      `<tr><td class="date"><time datetime="${html(item.observedAt)}">${html(item.observedAt.slice(0, 10))}</time></td>` +
      `<td><span class="severity sev-${html(item.severity)}">${html(item.severity)}</span></td><td>${whatChanged(item)}</td></tr>`,
  );
  return `<table class="recent-changes" id="changes-${html(id)}">
<caption class="muted">Newest first; the full history is in the feeds and changes.json.</caption>
<thead><tr><th scope="col">Date</th><th scope="col">Severity</th><th scope="col">What changed</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>`;
}

function provenance(report: SourceReport): string {
  const docs = report.documents;
  const version =
    docs.length === 0
      ? 'not observed yet'
      : docs.length === 1
        ? `${link(docs[0]!.url, docs[0]!.reference)} <span class="muted">(stage ${html(docs[0]!.stage ?? docs[0]!.phase)})</span>`
        : `<ul class="docs">${docs.map((d) => `<li>${link(d.url, d.reference)} <span class="muted">(stage ${html(d.stage ?? d.phase)}, ${html(d.status)})</span></li>`).join('')}</ul>`;
  const documentStatus = docs.length === 1 ? `${html(docs[0]!.status)}; ` : '';
  const sourceState =
    report.state === 'degraded'
      ? `<span class="state-degraded">source degraded</span>${report.lastDetail === null ? '' : `: ${html(report.lastDetail)}`}`
      : report.state === 'never-read'
        ? `<span class="state-degraded">source not read yet</span>${report.lastDetail === null ? '' : `: ${html(report.lastDetail)}`}`
        : report.state === 'never-checked'
          ? 'source not checked yet'
          : `source ok (last check ${html(report.lastVerdict ?? 'unknown')})`;
  const licence = report.licence;
  return `<dl class="provenance">
<dt>Source</dt><dd>${link(report.url, report.url)} <span class="muted">(watcher ${html(report.watcher)})</span></dd>
<dt>Last observed</dt><dd>${time(report.lastGoodCheckAt)}${report.lastCheckedAt !== null && report.lastCheckedAt !== report.lastGoodCheckAt ? ` <span class="muted">(last attempt ${time(report.lastCheckedAt)})</span>` : ''}</dd>
<dt>Version</dt><dd>${version} <span class="muted">· extractor ${html(report.watcher)} v${html(report.watcherVersion)}</span></dd>
<dt>Status</dt><dd>${documentStatus}${sourceState}</dd>
<dt>Licence</dt><dd><code>${html(licence.tag)}</code>: ${html(licence.rights)}. ${html(licence.attribution)}${licence.uri === undefined ? '' : ` (${link(licence.uri, 'licence terms')})`}</dd>
</dl>`;
}

function feedLinks(prefix: (file: string) => string): string {
  return FEEDS.map((f) => `<a href="${html(prefix(f.file))}" type="${f.type}">${f.label}</a>`).join(' · ');
}

function section({ report, recent }: PageInput['sources'][number]): string {
  const id = report.id;
  return `<section id="source-${html(id)}" aria-labelledby="h-${html(id)}">
<h2 id="h-${html(id)}">${html(docTitle(report))}</h2>
<h3>Provenance &amp; licence</h3>
${provenance(report)}
<h3>Recent Changes</h3>
${changesTable(id, recent)}
<p class="muted">Feeds for ${html(id)}: ${feedLinks((file) => sourceFeedPath(id, file))}</p>
</section>`;
}

function docTitle(report: SourceReport): string {
  const docs = report.documents;
  return docs.length === 1 ? `${docs[0]!.reference} (${report.id})` : report.id;
}

export function renderPage(input: PageInput): string {
  const alternates = [
    ...FEEDS.map((f) => `<link rel="alternate" type="${f.type}" title="${html(`${input.site.title} (${f.label})`)}" href="${f.file}">`),
    ...input.sources.flatMap(({ report }) =>
      FEEDS.map(
        (f) => `<link rel="alternate" type="${f.type}" title="${html(`${report.id} (${f.label})`)}" href="${html(sourceFeedPath(report.id, f.file))}">`,
      ),
    ),
  ];
  const next = input.schedule.nextRun === null ? 'not scheduled' : time(input.schedule.nextRun);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${html(input.site.title)}</title>
${alternates.join('\n')}
<style>${style()}</style>
</head>
<body>
<header>
<h1>${html(input.site.title)}</h1>
<p>${html(input.site.description)}</p>
<p>Subscribe: ${[feedLinks((file) => file), ...OTHER_FILES.map((file) => `<a href="${file}" type="${PUBLISHED_FILE_TYPES[file].mediaType}">${PUBLISHED_FILE_TYPES[file].label}</a>`)].join(' · ')}</p>
<p class="muted">Refreshed on the schedule <code>${html(input.schedule.cron)}</code> (${html(input.schedule.timezone)}); next refresh ${next}. Metadata only: no standard's text is reproduced.</p>
</header>
<main>
${input.sources.length === 0 ? '<p>No sources are configured.</p>' : input.sources.map(section).join('\n')}
</main>
</body>
</html>
`;
}
