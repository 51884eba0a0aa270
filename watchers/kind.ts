import type { z } from 'zod';
import type { DocumentRecord } from '../src/model/record.js';
import type { Licence } from '../src/licences.js';
import type { Rule } from '../src/model/rule.js';

// A kind of source, declared in one folder of watchers/ (issue 9): everything regwatch needs to know
// about it, and one pure extract function. It never touches the network, storage, clock or feeds.
// (The pipeline still runs on watchers/watcher.ts until the redesign lands; new kinds target this.)

export type ExtractOutcome =
  | { kind: 'records'; records: DocumentRecord[] }
  /** The body is not the page at all: an error page, a challenge, a search page served with 200 (→ `unreadable`). */
  | { kind: 'unreadable'; reason: string }
  /** It is the page, but the fields are not where they were: a redesign (→ `extraction-failed`). */
  | { kind: 'extraction-failed'; reason: string };

export interface ExtractContext<Options> {
  /** The URL the body was fetched from (after redirects), or `file://…` for `regwatch inspect <file>`. */
  url: string;
  /** The source's own settings, validated by the kind's `options` schema. */
  options: Options;
  /** Documents this source reported before (its baselines): a catalogue can tell a partial export. */
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
  /** The public page of a document this source reports (a feed item links to it). */
  documentUrl(key: string, source: { url: string; options: Options }): string;
  /** Documents the source must report (a followed id missing from a catalogue is source health). */
  expectedKeys(source: { url: string; options: Options }): string[];
  /** This publisher's rows of spec/severity.md. */
  readonly rules: readonly Rule[];
}

/** A page read in memory. */
export interface PageKind<Options = Record<string, never>> extends KindBase<Options> {
  readonly input: 'text';
  extract(body: string, context: ExtractContext<Options>): ExtractOutcome;
}

/** A large download spooled to a file (a catalogue dump, a zip), streamed by the watcher. */
export interface FileKind<Options = Record<string, never>> extends KindBase<Options> {
  readonly input: 'file';
  extract(path: string, context: ExtractContext<Options>): Promise<ExtractOutcome>;
}

export type WatcherKind<Options = Record<string, never>> = PageKind<Options> | FileKind<Options>;
