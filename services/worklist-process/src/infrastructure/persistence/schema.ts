import { CreateWorklist1795770000000 } from './migrations/1795770000000-create-worklist';
import { WorklistItemRow } from './worklist-item.entity';
import { WorklistStepRow } from './worklist-step.entity';

/** What openDatabase() needs for the worklist tables; a process hosting several services concatenates these. */
export const WORKLIST_ENTITIES = [WorklistItemRow, WorklistStepRow];
export const WORKLIST_MIGRATIONS = [CreateWorklist1795770000000];
