import type * as z from 'zod';
import type { DocumentRecord } from '../src/model/record.js';
import type { Licence } from '../src/model/licence.js';
import type { Rule } from '../src/model/rule.js';

// A kind of source, declared in one folder of watchers/ (issue 9): everything regwatch needs to know
// about it, and one pure extract function. It never touches the network, storage, clock or feeds.
// watchers/index.ts is the only list of kinds; src/ never names one. A kind's declaration stays
// light: extract loads its parser (an HTML parser, say) on first use, so a run loads only the
// parsers of the kinds it reads (a catalogue refresh no HTML machinery).

export type ExtractOutcome =
  | { kind: 'records'; records: DocumentRecord[] }
  /** The body is not the page at all: an error page, a challenge, a search page served with 200 (→ `unreadable`). */
  | { kind: 'unreadable'; reason: string }
  /** It is the page, but the fields are not where they were: a redesign (→ `extraction-failed`). */
  | { kind: 'extraction-failed'; reason: string };

/** What a source follows: documents by key (each expected in every answer) and whole groups (a committee, a series). */
export interface WatchScope {
  keys: string[];
  groups: string[];
}

/** A configured source as its kind sees it: its URL and its own settings, validated by `options`. */
export interface SourceSpec<Options> {
  url: string;
  options: Options;
}

export interface ExtractContext<Options> {
  /** The URL the body was fetched from (after redirects), or `file://…` for `regwatch inspect <file>`. */
  url: string;
  /** The source's own settings, validated by the kind's `options` schema. */
  options: Options;
  /** What the source follows this time (see `watches`). */
  scope: WatchScope;
  /** Documents this source reported before (its baselines): a catalogue keeps them in scope, and can tell a partial export. */
  knownKeys: ReadonlySet<string>;
}

interface KindBase<Options> {
  /** The `watcher` value in the config: `iec-webstore`. */
  readonly id: string;
  /** Bumped whenever extract() can give a different record for the same body. */
  readonly version: string;
  /** Who publishes what it reads, for people: `IEC`. */
  readonly publisher: string;
  readonly licence: Licence;
  readonly maxResponseBytes: number;
  /** The extra config keys of a source of this kind (an empty strict object when there are none). */
  readonly options: z.ZodType<Options>;
  /** A page of one document (its identity may not change under a baselined source) or a catalogue of many. */
  readonly reports: 'one-document' | 'catalogue';
  /**
   * What the source follows: the documents it must report (one missing is source health, never a
   * withdrawal) and whole groups. `watchedElsewhere` holds the keys every other source follows, for a
   * catalogue that is told to follow them too. Whatever extract() reads of the options must show
   * here: the same body under the same scope is taken to give the same records (src/pipeline/known-body.ts).
   */
  watches(source: SourceSpec<Options>, watchedElsewhere: ReadonlySet<string>): WatchScope;
  /** Whether a record belongs to a watched group (default: its committee is the group). */
  inGroup?(record: DocumentRecord, group: string): boolean;
  /** Followed documents that are requirements standards (beyond a source marked `requirements`). */
  requirementsKeys?(source: SourceSpec<Options>): string[];
  /** The public page of a document this source reports (a feed item links to it). */
  documentUrl(key: string, source: SourceSpec<Options>): string;
  /**
   * The record a followed document that the source did not list yet is compared with, so that its
   * first listing is news (a NIST draft released) rather than a first observation. Absent: a baseline.
   */
  placeholder?(key: string): DocumentRecord;
  /** Where a document stands, in the publisher's words, for a first observation (default: its stage or status words). */
  describe?(record: DocumentRecord): string;
  /** This publisher's rows of spec/severity.md, in the order that breaks ties among equal severities. */
  readonly rules: readonly Rule[];
  /**
   * A record that changed where no rule found news: `record-corrected` (info, the default: a fact
   * was corrected), or `quiet` for a publisher whose rules read every life-cycle fact and whose
   * other churn is relabelling (spec/severity.md "Never a change"): the baseline moves, nothing is published.
   */
  readonly unclassifiedChanges?: 'record-corrected' | 'quiet';
}

/** A page read in memory. */
export interface PageKind<Options = Record<string, never>> extends KindBase<Options> {
  readonly input: 'text';
  /** Asynchronous only to load its parser on first use: the same body and context always give the same outcome. */
  extract(body: string, context: ExtractContext<Options>): Promise<ExtractOutcome>;
}

/** A large download spooled to a file (a catalogue dump, a zip), streamed by the watcher. */
export interface FileKind<Options = Record<string, never>> extends KindBase<Options> {
  readonly input: 'file';
  extract(path: string, context: ExtractContext<Options>): Promise<ExtractOutcome>;
}

export type WatcherKind<Options = Record<string, never>> = PageKind<Options> | FileKind<Options>;
