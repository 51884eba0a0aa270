import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

/** `--import` argument for running TypeScript in a child process from any working directory. */
export const TSX_IMPORT = pathToFileURL(resolve(import.meta.dirname, '../../node_modules/tsx/dist/loader.mjs')).href;
