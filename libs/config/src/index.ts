export { ConfigError } from './config-error';
export {
  LOG_LEVELS,
  loadEnvironment,
  type Environment,
  type LoadEnvironmentOptions,
  type LogLevel,
  type S3Settings,
  type TlsFiles,
} from './env';
export { DEMO_PRODUCTION_PATH } from './paths';
export type { CrossCheckOptions } from './production/checks';
export {
  loadProduction,
  parseProduction,
  validateProduction,
  PRODUCTION_SCHEMA,
  type LoadProductionOptions,
} from './production/load';
export type * from './production/types';
