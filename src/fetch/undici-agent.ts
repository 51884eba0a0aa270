import { createRequire } from 'node:module';
import { setFlagsFromString } from 'node:v8';
import type * as Undici from 'undici';

// The two parts of undici the fetcher is built from, required one by one: undici's index also loads
// fetch, WebSocket, EventSource, caches and mocks, about 50 ms of every refresh's start-up for
// nothing it uses. These are the very modules its index re-exports (undici has no exports map).

const require = createRequire(import.meta.url);

export const Agent = require('undici/lib/dispatcher/agent.js') as typeof Undici.Agent;
export type Agent = Undici.Agent;
export const buildConnector = require('undici/lib/core/connect.js') as typeof Undici.buildConnector;
export type Connector = Undici.buildConnector.connector;

// undici parses HTTP with llhttp compiled to WebAssembly. V8 optimizes the hot parser functions
// again in the background, and Node waits for that compile before it exits: 60-90 ms at the end of
// every refresh answered 304, for code the process never runs again. The baseline code is fast
// enough: the 64 MB catalogue download of npm run bench:catalogue takes no longer with it. Set
// after undici's modules are loaded: a V8 flag changed before Node's own modules are compiled
// makes them miss Node's code cache (about 25 ms).
setFlagsFromString(`--wasm-tiering-budget=${2 ** 31 - 1}`);
