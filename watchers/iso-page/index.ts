import { load, type CheerioAPI } from 'cheerio';
import { z } from 'zod';
import type { Licence } from '../../src/model/licence.js';
import { recordSchema, type DocumentRecord } from '../../src/model/record.js';
import { HARMONIZED_RULES } from '../../src/rules/harmonized-rules.js';
import { phaseOfStage } from '../../src/rules/harmonized-stages.js';
import type { ExtractOutcome, PageKind } from '../kind.js';
import { readDetails } from './details.js';
import { keyFromStandardUrl, readKey, readReference, readTitle } from './identity.js';
import { readLifeCycleStage, readLifeCycleStatus, readRelations } from './life-cycle.js';
import { unreadableReason } from './soft-error.js';

// An iso.org standard page, every markup era from 2018 on (English and French, served or
// browser-saved), read into one record. Metadata only: the abstract is removed from the parsed
// document before anything is read, so no field, reason or log can ever carry it.

export const ISO_PAGE_LICENCE: Licence = {
  tag: 'proprietary-metadata-only',
  rights: 'ISO/IEC copyright — metadata only',
  attribution: 'Catalogue metadata from iso.org; the standard itself is © ISO/IEC and sold by ISO and its members.',
  uri: 'https://www.iso.org/terms-conditions-licence-agreement.html',
};

const optionsSchema = z.object({}).strict();

export const isoPageWatcher: PageKind<z.infer<typeof optionsSchema>> = {
  input: 'text',
  id: 'iso-page',
  version: '1',
  publisher: 'ISO',
  licence: ISO_PAGE_LICENCE,
  maxResponseBytes: 5_000_000,
  options: optionsSchema,
  reports: 'one-document',
  // A flagship URL (/standard/42001) names no csnumber: the page's key is known once it is read.
  watches: (source) => {
    const key = keyFromStandardUrl(source.url);
    return { keys: key === undefined ? [] : [key], groups: [] };
  },
  documentUrl: (_key, source) => source.url,
  rules: HARMONIZED_RULES,
  extract: (body, context) => extractIsoPage(body, context),
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
  const stage = details.stage ?? readLifeCycleStage($);
  const record: Partial<DocumentRecord> = {
    key,
    reference: readReference($),
    title: readTitle($),
    status: details.status ?? readLifeCycleStatus($),
    stage,
    phase: stage === undefined ? undefined : phaseOfStage(stage),
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
