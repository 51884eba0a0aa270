import { load, type CheerioAPI } from 'cheerio/slim';
import { recordSchema, type DocumentRecord } from '../../src/model/record.js';
import { isValidStage, phaseOfStage } from '../../src/rules/harmonized-stages.js';
import type { ExtractOutcome } from '../kind.js';
import { readDetails } from './details.js';
import { readKey, readReference, readTitle } from './identity.js';
import { collapseWhitespace } from './page-text.js';
import { readLifeCycleStage, readLifeCycleStatus, readRelations } from './life-cycle.js';
import { unreadableReason } from './soft-error.js';

// An iso.org standard page read into one record. Metadata only: the abstract is removed from the
// parsed document before anything is read, so no field, reason or log can ever carry it.
// htmlparser2 (cheerio/slim), not parse5: half the time per page, and the same record from every
// recorded era (test/iso-page.test.ts).

export function extractIsoPage(body: string, context: { url: string }): ExtractOutcome {
  const $ = load(body);
  $('div[itemprop=description]').remove();

  const unreadable = unreadableReason(body, $);
  if (unreadable !== undefined) return { kind: 'unreadable', reason: `iso-page: ${unreadable}` };

  const record = readRecord($, context.url);
  const missing = (['key', 'reference', 'status', 'stage'] as const).filter((field) => record[field] === undefined);
  if (missing.length > 0) {
    return { kind: 'extraction-failed', reason: `iso-page: ${context.url}: no ${missing.join(', ')} found (has the markup changed?)` };
  }
  // spec rule 4: a code outside the harmonized table is the page's problem, never a stage to report.
  if (!isValidStage(record.stage!))
    return { kind: 'extraction-failed', reason: `iso-page: ${context.url}: stage "${record.stage}" is not a harmonized stage code` };
  const parsed = recordSchema.safeParse(record);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'record'}: ${issue.message}`);
    return { kind: 'extraction-failed', reason: `iso-page: ${context.url}: ${issues.join('; ')}` };
  }
  return { kind: 'records', records: [parsed.data] };
}

function readRecord($: CheerioAPI, url: string): Partial<DocumentRecord> {
  const key = readKey($, url);
  const details = readDetails($);
  const stage = details.stage ?? readLifeCycleStage($);
  const record: Partial<DocumentRecord> = {
    key,
    reference: readReference($),
    title: readTitle($),
    status: details.status ?? readLifeCycleStatus($),
    stage,
    phase: stage === undefined ? undefined : phaseOfStage(stage),
    stageDate: stage === undefined ? undefined : stageDate($, stage),
    publicationDate: details.publicationDate,
    edition: details.edition,
    pages: details.pages,
    committee: details.committee,
    ics: details.ics,
  };
  if (key !== undefined) {
    const relations = readRelations($, key);
    if (relations.length > 0) record.relations = relations;
  }
  return withoutAbsentFields(record);
}

/**
 * The date the life cycle gives the current stage (the latest: a stage recurs in every review), else
 * `<meta name="pubdate" content="20190613">`. The flagship template (`/standard/27001`) once wrote the
 * day it was re-published into that meta, not the stage's date.
 */
function stageDate($: CheerioAPI, stage: string): string | undefined {
  const shown = $('.stage-date')
    .toArray()
    .filter((date) => collapseWhitespace($(date).siblings('.stage-code').first().text()) === stage)
    .map((date) => collapseWhitespace($(date).text()))
    .filter((date) => /^\d{4}-\d{2}-\d{2}$/.test(date))
    .sort();
  if (shown.length > 0) return shown.at(-1);
  const digits = $('meta[name=pubdate]')
    .attr('content')
    ?.trim()
    .match(/^(\d{4})(\d{2})(\d{2})$/);
  return digits ? `${digits[1]}-${digits[2]}-${digits[3]}` : undefined;
}

function withoutAbsentFields<T extends object>(record: T): T {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as T;
}
