import { createRequire } from 'node:module';
import type * as Saxes from 'saxes';
import { PublishError } from './publish-error.js';

// saxes is required on the first check, not at start-up: a refresh whose feeds did not change checks none.
let saxes: typeof Saxes | undefined;

/**
 * Parses a generated document with a strict, namespace-aware parser: a feed that does not parse is
 * never published (an unbound prefix such as an undeclared `dc:` fails here too).
 */
export function assertWellFormedXml(file: string, xml: string): void {
  saxes ??= createRequire(import.meta.url)('saxes') as typeof Saxes;
  const parser = new saxes.SaxesParser({ xmlns: true, position: true });
  let firstError: Error | undefined;
  parser.on('error', (error) => {
    firstError ??= error;
  });
  parser.write(xml).close();
  if (firstError !== undefined) throw new PublishError(`${file} does not parse: ${firstError.message}`);
}
