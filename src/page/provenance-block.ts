import type { SourceReport } from '../model/source-report.js';
import { markdownLink, markdownText } from './markdown.js';

// The "Provenance & licence" block: where the facts come from, under what licence, and whether the
// source is being read. Check times are left out on purpose: they move every run, and the page would
// change every day with nothing to tell.

export function provenanceLines(report: SourceReport): string[] {
  const lines = [
    `- Source: ${markdownLink(report.url, report.url)} (regwatch source \`${report.id.replace(/`/g, '')}\`, watcher ${markdownText(`${report.watcher} ${report.watcherVersion}`)})`,
    ...report.documents.map((d) => `- Document: ${markdownLink(d.reference, d.url)}, stage ${markdownText(d.stage ?? d.phase)} (${markdownText(d.status)})`),
    `- Licence: ${markdownText(report.licence.rights)} (\`${report.licence.tag}\`)${report.licence.uri === undefined ? '' : `, ${markdownLink('terms', report.licence.uri)}`}`,
    `- Attribution: ${markdownText(report.licence.attribution)}`,
    `- Last change observed: ${report.lastChangeAt === null ? 'none yet' : report.lastChangeAt.slice(0, 10)}`,
  ];
  if (report.state === 'degraded') {
    lines.push(
      `- Source health: degraded, ${report.consecutiveFailures} failed checks in a row${report.lastDetail === null ? '' : ` (${markdownText(report.lastDetail)})`}`,
    );
  } else if (report.state === 'never-read') {
    lines.push(
      `- Source health: not read yet, ${report.consecutiveFailures} failed checks${report.lastDetail === null ? '' : ` (${markdownText(report.lastDetail)})`}`,
    );
  } else if (report.state === 'never-checked') {
    lines.push('- Source health: not checked yet');
  }
  return lines;
}
