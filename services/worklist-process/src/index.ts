/**
 * What a host process needs to run worklist-process inside itself (the all-in-one `npm start`):
 * the Nest module (which exports the in-process WORKLIST_FINDER) and its tables. The standalone
 * service starts from main.ts.
 */
export { FindWorklist, WORKLIST_API_DESCRIPTION, WORKLIST_ENTITIES, WORKLIST_MIGRATIONS, WorklistModule, type FindSettings, type WorklistModuleOptions } from './worklist.module';
export { DEFAULT_FIND_SETTINGS } from './application/find-settings';
