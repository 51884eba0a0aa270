import { describe, expect, it } from 'vitest';
import type { DocumentRecord } from '../src/model/record.js';
import { diffRecords } from '../src/rules/diff.js';

// A changed title or other text field carries a word diff beside its before and after.

const BEFORE: DocumentRecord = {
  key: 'iso:81230',
  reference: 'ISO/IEC 42001:2023',
  status: 'published',
  phase: 'published',
  title: 'Information technology — Artificial intelligence — Management system',
};

describe('diffRecords', () => {
  it('marks the words a title lost and gained', () => {
    const after = { ...BEFORE, title: 'Information technology — Artificial intelligence — Guidance on management systems' };
    expect(diffRecords(BEFORE, after)).toEqual([
      {
        field: 'title',
        before: BEFORE.title,
        after: after.title,
        wordDiff: 'Information technology — Artificial intelligence — [-Management system-]{+Guidance on management systems+}',
      },
    ]);
  });
});
