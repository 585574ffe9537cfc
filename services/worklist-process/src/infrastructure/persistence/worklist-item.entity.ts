import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { DicomJson } from '@dicom-router/worklist';

/**
 * One worklist item: its full attribute set as DICOM JSON (PS3.18 F.2) plus the matching keys of
 * PS3.4 Table K.6-1 that are not inside the Scheduled Procedure Step, as indexed columns.
 */
@Entity({ name: 'worklist_item' })
export class WorklistItemRow {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'jsonb' })
  attributes!: DicomJson;

  /** PN as its DICOM string (component groups joined by `=`). */
  @Index('IDX_worklist_item_patient_name')
  @Column({ name: 'patient_name', type: 'varchar', length: 200, nullable: true })
  patientName!: string | null;

  @Index('IDX_worklist_item_patient_id')
  @Column({ name: 'patient_id', type: 'varchar', length: 64, nullable: true })
  patientId!: string | null;

  @Index('IDX_worklist_item_accession_number')
  @Column({ name: 'accession_number', type: 'varchar', length: 16, nullable: true })
  accessionNumber!: string | null;

  @Index('IDX_worklist_item_requested_procedure_id')
  @Column({ name: 'requested_procedure_id', type: 'varchar', length: 16, nullable: true })
  requestedProcedureId!: string | null;

  @Index('IDX_worklist_item_study_instance_uid')
  @Column({ name: 'study_instance_uid', type: 'varchar', length: 64, nullable: true })
  studyInstanceUid!: string | null;

  @Index('IDX_worklist_item_referring_physician_name')
  @Column({ name: 'referring_physician_name', type: 'varchar', length: 200, nullable: true })
  referringPhysicianName!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
