import type { DocumentRecord, Relation } from '../../src/model/record.js';
import type { Finding, Rule, Transition } from '../../src/model/rule.js';
import { versionsOf, versionWords, type VersionFact } from './versions.js';

// spec/severity.md, "Other publishers", the NIST rows, read off two records of one publication
// (never off the field diff): the versions it lists (`version` relations), its status, its
// successors and its open comment period.
//
//   draft-released          a new public draft (ipd, 2pd, fpd…), or a listed draft gets its real
//                           date and comment period (CSRC lists placeholders first)       minor
//   comment-period-changed  the end of the open draft's comment period moves               info
//   final-published         the publication's first final                                major
//                           critical when it replaces a publication the user follows
//   update-published        a new update (upd1…) of the final                           minor
//   withdrawn               the final withdrawn with nothing superseding it               critical
//   new-edition             the final superseded by another publication (Rev. 4 → Rev. 5;
//                           the ISO/IEC/CEN event for "replaced by")                    critical
//   draft-retired           the draft abandoned (retired, or withdrawn with no later version) minor
//   publication-date        a listed final re-dated (CSWP 31's final re-listed 2024-09-26;
//                           a date made more precise is no change)                        info
//
// Never a change of its own: a draft withdrawn because its next draft or final arrived (it is part
// of that event), a version relabelled (CSRC's 2nd draft relabelled `fpd` in 2022), a related
// record's URL. Summaries use NIST's words: "final published 2024-07-26, was initial public draft".

interface Pair {
  before: VersionFact;
  after: VersionFact;
}

interface VersionMoves {
  added: VersionFact[];
  kept: Pair[];
}

/**
 * Pairs each listed version with the one it was: by label, else (a version relabelled, `2pd` →
 * `fpd`) by its class and date. What pairs with nothing is new.
 */
export function versionMoves(before: DocumentRecord, after: DocumentRecord): VersionMoves {
  const olds = versionsOf(before.relations);
  const news = versionsOf(after.relations);
  const taken = new Set<VersionFact>();
  const pairs = new Map<VersionFact, VersionFact>();
  for (const v of news) {
    const same = olds.find((o) => !taken.has(o) && o.label === v.label);
    if (same) {
      taken.add(same);
      pairs.set(v, same);
    }
  }
  for (const v of news) {
    if (pairs.has(v) || v.date === undefined) continue;
    const relabelled = olds.find((o) => !taken.has(o) && o.class === v.class && o.date === v.date);
    if (relabelled) {
      taken.add(relabelled);
      pairs.set(v, relabelled);
    }
  }
  return {
    added: news.filter((v) => !pairs.has(v)),
    kept: news.filter((v) => pairs.has(v)).map((v) => ({ before: pairs.get(v)!, after: v })),
  };
}

/**
 * The record a followed publication had before CSRC listed it. A followed key's first appearance
 * is classified against it (its drafts and final are then all new), not reported as a baseline:
 * the user followed it before it existed.
 */
export function unlistedRecord(key: string): DocumentRecord {
  return { key, reference: key.slice(key.indexOf(':') + 1), status: 'under-development', phase: 'proposal', stageLabel: 'not listed', relations: [] };
}

function was(t: Transition): string {
  return `was ${t.before.stageLabel ?? t.before.status}`;
}

function dated(v: VersionFact): string {
  return v.date === undefined ? '' : ` ${v.date}`;
}

function newest(list: readonly VersionFact[]): VersionFact | undefined {
  return [...list].sort((a, b) => (a.date ?? '').localeCompare(b.date ?? '')).pop();
}

function successors(record: DocumentRecord): Relation[] {
  return (record.relations ?? []).filter((r) => r.kind === 'replaced-by');
}

const identity = (r: Relation) => r.key ?? r.reference;

export const draftReleased: Rule = (t) => {
  const moves = versionMoves(t.before, t.after);
  // a placeholder draft gets its real date (and comment period); a pre-2023 draft replaced in place
  const redated = moves.kept.filter(
    (p) => p.after.class === 'draft' && p.after.date !== undefined && (p.before.date === undefined || !refines(p.before.date, p.after.date)),
  );
  const draft = newest([...moves.added.filter((v) => v.class === 'draft'), ...redated.map((p) => p.after)]);
  const from = t.after.dates?.commentFrom;
  const to = t.after.dates?.commentTo;
  if (draft !== undefined) {
    const open = draft.status === 'under-development' && to !== undefined ? `, comments until ${to}` : '';
    const listed = redated.find((p) => p.after === draft)?.before.date;
    const before = listed === undefined ? was(t) : `listed before as ${listed}`;
    return { event: 'draft-released', severity: 'minor', words: `${versionWords(draft.label)} released${dated(draft)}${open}, ${before}` };
  }
  if (from !== undefined && from !== t.before.dates?.commentFrom) {
    return { event: 'draft-released', severity: 'minor', words: `comment period opened ${from}${to === undefined ? '' : ` until ${to}`}, ${was(t)}` };
  }
  return null;
};

export const commentPeriodChanged: Rule = (t) => {
  const from = t.after.dates?.commentFrom;
  const to = t.after.dates?.commentTo;
  const before = t.before.dates?.commentTo;
  if (from === undefined || from !== t.before.dates?.commentFrom || to === undefined || before === undefined || to === before) return null;
  return { event: 'comment-period-changed', severity: 'info', words: `comment period now ends ${to}, was ${before}` };
};

export const finalPublished: Rule = (t) => {
  if (versionsOf(t.before.relations).some((v) => v.class === 'final')) return null;
  const finals = versionMoves(t.before, t.after).added.filter((v) => v.class === 'final');
  if (finals.length === 0) return null;
  const first = finals[0]!;
  const latest = finals[finals.length - 1]!;
  const updated = latest !== first ? `, ${versionWords(latest.label)}${dated(latest)}` : '';
  const replaced = (t.after.relations ?? []).filter((r) => r.kind === 'replaces' && r.key !== undefined && t.context.watchedKeys.has(r.key));
  const supersedes = replaced.length > 0 ? `; supersedes ${replaced.map((r) => r.reference).join(', ')}` : '';
  return {
    event: 'final-published',
    severity: replaced.length > 0 ? 'critical' : 'major',
    words: `final published${dated(first)}${updated}${supersedes}, ${was(t)}`,
    ...(first.date !== undefined ? { publishedOn: first.date } : {}),
  };
};

export const updatePublished: Rule = (t) => {
  if (!versionsOf(t.before.relations).some((v) => v.class === 'final')) return null;
  const update = newest(versionMoves(t.before, t.after).added.filter((v) => /^upd\d+$/.test(v.label)));
  if (update === undefined) return null;
  return { event: 'update-published', severity: 'minor', words: `${versionWords(update.label)} published${dated(update)}, ${was(t)}` };
};

export const withdrawnOrSuperseded: Rule = (t) => {
  const after = successors(t.after);
  const known = new Set(successors(t.before).map(identity));
  const fresh = after.filter((r) => !known.has(identity(r)));
  const severity = t.before.status === 'published' || t.after.status === 'published' ? 'critical' : 'major';
  const on = t.after.dates?.withdrawal === undefined ? '' : ` on ${t.after.dates.withdrawal}`;
  if (t.after.status === 'withdrawn' && t.before.status !== 'withdrawn') {
    if (after.length > 0) return { event: 'new-edition', severity, words: `superseded by ${after.map((r) => r.reference).join(', ')}${on}, ${was(t)}` };
    return { event: 'withdrawn', severity, words: `withdrawn${on}, ${was(t)}` };
  }
  if (fresh.length > 0 && !relabelled(t, fresh)) return { event: 'new-edition', severity, words: `superseded by ${fresh.map((r) => r.reference).join(', ')}` };
  return null;
};

/**
 * CSRC renames records in place (2022: "SP 800-56A Revised" became "SP 800-56A Rev. 1", same archive
 * date): a successor exchanged one for one while this document's own status holds is that record
 * renamed, not a new supersession (spec: CSRC's relabelling is never a change). A real successor is
 * added beside the ones already named, or arrives with this document's withdrawal.
 */
function relabelled(t: Transition, fresh: readonly Relation[]): boolean {
  if (t.before.status !== t.after.status) return false;
  const now = new Set(successors(t.after).map(identity));
  const gone = successors(t.before).filter((r) => !now.has(identity(r)));
  // Each new name pairs with a vanished one of the same publication ("SP 800-56A Revised" ~ "SP 800-56A Rev. 1").
  return fresh.every((added) => {
    const i = gone.findIndex((old) => revisionless(old.reference) === revisionless(added.reference));
    if (i === -1) return false;
    gone.splice(i, 1);
    return true;
  });
}

/** `SP 800-56A Rev. 1`, `SP 800-56A Revised`, `SP 800-56Ar1` → `SP 800-56A`. */
function revisionless(reference: string): string {
  return reference.replace(/(?:\s+(?:Revised|Revision\s*\w+|Rev\.?\s*\w+)|r\d+)$/i, '').trim();
}

export const draftRetired: Rule = (t) => {
  if (t.after.status === 'deleted' && t.before.status !== 'deleted') {
    const on = t.after.dates?.withdrawal === undefined ? '' : ` on ${t.after.dates.withdrawal}`;
    const how = t.after.stageLabel === 'retired draft' ? 'retired' : 'withdrawn with no later version';
    return { event: 'draft-retired', severity: 'minor', words: `${versionWords(t.after.version ?? 'draft')} ${how}${on}, ${was(t)}` };
  }
  const retired = versionMoves(t.before, t.after).kept.filter(
    (p) => p.after.class === 'draft' && p.after.status === 'deleted' && p.before.status !== 'deleted',
  );
  if (retired.length === 0 || t.after.status === 'deleted') return null;
  return { event: 'draft-retired', severity: 'minor', words: `${retired.map((p) => versionWords(p.after.label)).join(', ')} retired` };
};

export const finalRedated: Rule = (t) => {
  const moved = versionMoves(t.before, t.after).kept.filter(
    (p) => p.after.class === 'final' && p.after.date !== undefined && p.before.date !== undefined && !refines(p.before.date, p.after.date),
  );
  const last = moved[moved.length - 1];
  if (last === undefined) return null;
  return { event: 'publication-date', severity: 'info', words: `${versionWords(last.after.label)} dated ${last.after.date}, was ${last.before.date}` };
};

/** `2023` → `2023-01` says the same more precisely: no change. */
export function refines(before: string, after: string): boolean {
  return before === after || after.startsWith(`${before}-`);
}

/** This publisher's rows of spec/severity.md, strongest first. */
export const NIST_RULES: readonly Rule[] = [
  withdrawnOrSuperseded,
  finalPublished,
  updatePublished,
  draftReleased,
  draftRetired,
  commentPeriodChanged,
  finalRedated,
];

const RANK = { critical: 0, major: 1, minor: 2, info: 3, baseline: 4 } as const;

/** Every finding of `rules` for one transition, strongest first (ties keep the rules' order). */
export function classify(rules: readonly Rule[], t: Transition): Finding[] {
  const findings = rules.flatMap((rule) => {
    const found = rule(t);
    return found === null ? [] : Array.isArray(found) ? found : [found];
  });
  return findings
    .map((f, i) => ({ f, i }))
    .sort((a, b) => RANK[a.f.severity] - RANK[b.f.severity] || a.i - b.i)
    .map(({ f }) => f);
}
