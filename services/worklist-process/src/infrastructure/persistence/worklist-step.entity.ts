import { Column, Entity, Index, ManyToOne, JoinColumn, PrimaryColumn } from 'typeorm';
import { WorklistItemRow } from './worklist-item.entity';

/**
 * The matching keys of one item of the Scheduled Procedure Step Sequence (PS3.4 Table K.6-1), one
 * row per step, so that "station X, date range Y" is an index lookup however many items there are.
 */
@Entity({ name: 'worklist_step' })
@Index('IDX_worklist_step_start_date', ['startDate'])
@Index('IDX_worklist_step_modality', ['modality'])
@Index('IDX_worklist_step_step_id', ['stepId'])
@Index('IDX_worklist_step_status', ['status'])
export class WorklistStepRow {
  @PrimaryColumn({ name: 'item_id', type: 'uuid' })
  itemId!: string;

  @PrimaryColumn({ type: 'integer' })
  position!: number;

  @ManyToOne(() => WorklistItemRow, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'item_id' })
  item?: WorklistItemRow;

  /** Scheduled Station AE Title is 1-n (PS3.3 C.4.10): every value, GIN-indexed by the migration. */
  @Column({ name: 'station_aets', type: 'varchar', length: 16, array: true, default: () => "'{}'" })
  stationAets!: string[];

  @Column({ name: 'start_date', type: 'varchar', length: 8, nullable: true })
  startDate!: string | null;

  @Column({ name: 'start_time', type: 'varchar', length: 16, nullable: true })
  startTime!: string | null;

  @Column({ type: 'varchar', length: 16, nullable: true })
  modality!: string | null;

  @Column({ name: 'step_id', type: 'varchar', length: 16, nullable: true })
  stepId!: string | null;

  @Column({ type: 'varchar', length: 16, nullable: true })
  status!: string | null;
}
