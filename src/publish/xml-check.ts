import { SaxesParser } from 'saxes';
import { PublishError } from './publish-error.js';

/**
 * Parses a generated document with a strict, namespace-aware parser: a feed that does not parse is
 * never published (an unbound prefix such as an undeclared `dc:` fails here too).
 */
export function assertWellFormedXml(file: string, xml: string): void {
  const parser = new SaxesParser({ xmlns: true, position: true });
  let firstError: Error | undefined;
  parser.on('error', (error) => {
    firstError ??= error;
  });
  parser.write(xml).close();
  if (firstError !== undefined) throw new PublishError(`${file} does not parse: ${firstError.message}`);
}
