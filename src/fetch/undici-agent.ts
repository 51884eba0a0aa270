import { createRequire } from 'node:module';
import type * as Undici from 'undici';

// The two parts of undici the fetcher is built from, required one by one: undici's index also loads
// fetch, WebSocket, EventSource, caches and mocks, about 50 ms of every refresh's start-up for
// nothing it uses. These are the very modules its index re-exports (undici has no exports map).

const require = createRequire(import.meta.url);

export const Agent = require('undici/lib/dispatcher/agent.js') as typeof Undici.Agent;
export type Agent = Undici.Agent;
export const buildConnector = require('undici/lib/core/connect.js') as typeof Undici.buildConnector;
export type Connector = Undici.buildConnector.connector;
