import { describe, expect, it } from 'vitest';
import { firstTitle, withoutBlockElements, withoutComments, withoutTags } from '../src/fetch/html-scan.js';

// The linear scanners must answer exactly what the regular expressions they replace answered
// (soft-error.ts before issue 8): compared here on generated markup made of the pieces those
// expressions care about, upper and lower case, closed and unclosed.

const OLD = {
  title: (html: string) => /<title[^>]*>([\s\S]*?)<\/title>/i.exec(html)?.[1],
  blocks: (html: string) => html.replace(/<(script|style|noscript|template)\b[\s\S]*?<\/\1\s*>/gi, ' '),
  comments: (html: string) => html.replace(/<!--[\s\S]*?-->/g, ' '),
  tags: (html: string) => html.replace(/<[^>]*>/g, ' '),
};

const PIECES = [
  '<',
  '>',
  '<!--',
  '-->',
  '--',
  '<!-->',
  'a',
  'x',
  ' ',
  '\n',
  '\t',
  '\u00a0',
  '_',
  '1',
  'é',
  '/',
  '<script',
  '<SCRIPT',
  '<Script>',
  '<script>',
  '</script>',
  '</script',
  '</SCRIPT >',
  '</script\n>',
  '<scripts>',
  '</scripts>',
  '<style>',
  '</style>',
  '</STYLE\t>',
  '<noscript>',
  '</noscript>',
  '<template>',
  '</template >',
  '<templates>',
  '<title',
  '<TITLE>',
  '<title lang="en">',
  '</title>',
  '</TITLE>',
  '</title',
  '<titles>',
];

/** A small deterministic generator (mulberry32), so a failure names a reproducible case. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CASES = (() => {
  const next = random(8);
  return Array.from({ length: 4_000 }, () => Array.from({ length: Math.floor(next() * 30) }, () => PIECES[Math.floor(next() * PIECES.length)]).join(''));
})();

describe('html-scan answers what the old regular expressions answered', () => {
  it.each([
    ['firstTitle', firstTitle, OLD.title],
    ['withoutBlockElements', withoutBlockElements, OLD.blocks],
    ['withoutComments', withoutComments, OLD.comments],
    ['withoutTags', withoutTags, OLD.tags],
  ] as const)('%s on 4000 generated pages', (_name, scan, regex) => {
    const differing = CASES.filter((html) => scan(html) !== regex(html));
    expect(differing.slice(0, 3).map((html) => ({ html, scan: scan(html), regex: regex(html) }))).toEqual([]);
  });

  it('the generated pages cover every branch: matched, unclosed, and not an element at all', () => {
    const covered = (predicate: (html: string) => boolean) => CASES.some(predicate);
    expect(covered((h) => OLD.title(h) !== undefined)).toBe(true);
    expect(covered((h) => /<title/i.test(h) && OLD.title(h) === undefined)).toBe(true);
    expect(covered((h) => /<\/script\s+>/i.test(h) && OLD.blocks(h) !== h)).toBe(true);
    expect(covered((h) => /<script/i.test(h) && OLD.blocks(h) === h)).toBe(true);
    expect(covered((h) => /<scripts/i.test(h))).toBe(true);
    expect(covered((h) => OLD.comments(h) !== h && h.includes('<!--', h.lastIndexOf('-->')))).toBe(true);
  });

  it('reads the first title, whatever its case or attributes', () => {
    expect(firstTitle('<head><TITLE lang="en">Access Denied</Title><title>second</title>')).toBe('Access Denied');
    expect(firstTitle(`${'<title'.repeat(10)}`)).toBeUndefined();
    expect(firstTitle('<title>never closed')).toBeUndefined();
  });
});
