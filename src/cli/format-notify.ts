import type { NotifyReport } from '../notify/notifier.js';

/** One line after a refresh or a send pass: what went out, what waits, what was given up. */
export function formatNotifyReport(report: NotifyReport): string {
  const parts = [`${report.sent} sent`];
  if (report.retrying > 0) parts.push(`${report.retrying} to retry`);
  if (report.left > 0) parts.push(`${report.left} left for a later pass`);
  if (report.dead > 0) parts.push(`${report.dead} given up (see regwatch notify)`);
  if (report.pinged + report.pingFailed > 0) parts.push(`WebSub hub told of ${report.pinged} feed(s)${report.pingFailed > 0 ? `, ${report.pingFailed} ping(s) failed` : ''}`);
  return `notify: ${parts.join(', ')}`;
}
