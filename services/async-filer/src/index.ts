/**
 * What a host process needs to run async-filer inside itself (the all-in-one `npm start`): the Nest
 * module and its tables. The standalone service starts from main.ts.
 */
export { FILER_API_DESCRIPTION, FilerModule, type FilerModuleOptions } from './filer.module';
export { FILER_DEFAULTS, loadFilerOptions, type FilerOptions } from './filer-settings';
export { FILER_ENTITIES, FILER_MIGRATIONS, FILER_QUEUE_MIGRATIONS } from './schema';
export { hostedFilerParts, type HostedFilerOptions } from './hosted';
