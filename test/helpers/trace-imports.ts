import { register } from 'node:module';

// `--import` this before the CLI to record every module it loads, one URL a line, in the file
// named by REGWATCH_TRACE_IMPORTS: how the start-up test sees what a command pulls in.

const file = process.env.REGWATCH_TRACE_IMPORTS;
if (file !== undefined) {
  const hook = `
import { appendFileSync } from 'node:fs';
let file;
export function initialize(data) { file = data.file; }
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  if (!resolved.url.startsWith('node:')) appendFileSync(file, resolved.url + '\\n');
  return resolved;
}`;
  register(`data:text/javascript,${encodeURIComponent(hook)}`, { data: { file } });
}
