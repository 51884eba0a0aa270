export { ConfigError, kindList, parseConfig, type Config, type SourceConfig } from './schema.js';
export { DEFAULT_CONFIG_FILE, loadConfig, MAX_CONFIG_BYTES } from './load.js';
export { defaultSources, problemInFile, withWatchList } from './watch-list.js';
