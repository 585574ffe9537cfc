import { AssociationRow } from './association.entity';
import { CreateAssociation1795766959843 } from './migrations/1795766959843-create-association';
import { PresentationContextRow } from './presentation-context.entity';

/** What openDatabase() needs for the registry's tables; a process hosting several services concatenates these. */
export const REGISTRY_ENTITIES = [AssociationRow, PresentationContextRow];
export const REGISTRY_MIGRATIONS = [CreateAssociation1795766959843];
