export { ConfigError, kindList, parseConfig, type Config, type SourceConfig } from './schema.js';
export { DEFAULT_CONFIG_FILE, defaultSources, loadConfig, MAX_CONFIG_BYTES, withWatchList } from './load.js';
