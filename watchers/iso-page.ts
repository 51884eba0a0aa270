import { load, type CheerioAPI } from 'cheerio';
import { ISO_PAGE_LICENCE } from '../src/licences.js';
import { recordSchema, type DocumentRecord } from '../src/record.js';
import type { ExtractOutcome, PageWatcher } from './watcher.js';
import { readDetails } from './iso-page/details.js';
import { readKey, readReference, readTitle } from './iso-page/identity.js';
import { readLifeCycleStage, readLifeCycleStatus, readRelations } from './iso-page/life-cycle.js';
import { unreadableReason } from './iso-page/soft-error.js';

// Reads an iso.org standard page, every markup era from 2018 on (English and French, served or
// browser-saved), into one DocumentRecord. Metadata only: the abstract is removed from the parsed
// document before anything is read, so no field, reason or log can ever carry it.

export const isoPageWatcher: PageWatcher = {
  kind: 'page',
  id: 'iso-page',
  version: '1',
  licence: ISO_PAGE_LICENCE,
  maxResponseBytes: 5_000_000,
  extract: extractIsoPage,
};

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
  const record: Partial<DocumentRecord> = {
    key,
    reference: readReference($),
    title: readTitle($),
    status: details.status ?? readLifeCycleStatus($),
    stage: details.stage ?? readLifeCycleStage($),
    stageDate: stageDate($),
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

/** `<meta name="pubdate" content="20190613">`: the date of the latest stage change. */
function stageDate($: CheerioAPI): string | undefined {
  const digits = $('meta[name=pubdate]').attr('content')?.trim().match(/^(\d{4})(\d{2})(\d{2})$/);
  return digits ? `${digits[1]}-${digits[2]}-${digits[3]}` : undefined;
}

function withoutAbsentFields<T extends object>(record: T): T {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as T;
}
