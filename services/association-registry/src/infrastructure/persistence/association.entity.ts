import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';

@Entity({ name: 'association' })
// The association key of every negotiation (docs/architecture.md §4).
@Unique('UQ_association_calling_aet_called_aet', ['callingAet', 'calledAet'])
export class AssociationRow {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 64 })
  name!: string;

  @Column({ type: 'varchar', length: 254, default: '' })
  description!: string;

  /** PS3.5 AE VR: 16 characters at most, stored without padding spaces. */
  @Column({ name: 'calling_aet', type: 'varchar', length: 16 })
  callingAet!: string;

  @Column({ name: 'called_aet', type: 'varchar', length: 16 })
  calledAet!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
