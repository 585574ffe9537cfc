/**
 * What a host process needs to run the association registry inside itself (the all-in-one
 * `npm start`): the Nest module, its tables, and the in-process negotiation and change ports.
 * The standalone service starts from main.ts.
 */
export {
  NegotiateAssociation,
  REGISTRY_CHANGES,
  REGISTRY_ENTITIES,
  REGISTRY_MIGRATIONS,
  RegistryChanges,
  REGISTRY_API_DESCRIPTION,
  RegistryModule,
  UpsertFromProduction,
  type RegistryModuleOptions,
} from './registry.module';
export { upsertAtStart } from './application/upsert-from-production/upsert-at-start';
