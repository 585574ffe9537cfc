import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { AssociationRow } from './association.entity';

/** One abstract syntax of an association; the primary key forbids listing an abstract syntax twice. */
@Entity({ name: 'presentation_context' })
export class PresentationContextRow {
  @PrimaryColumn({ name: 'association_id', type: 'uuid' })
  associationId!: string;

  @PrimaryColumn({ name: 'abstract_syntax', type: 'varchar', length: 64 })
  abstractSyntax!: string;

  /** Keeps the contexts in the order they were given. */
  @Column({ type: 'int' })
  position!: number;

  /** Most preferred first: a PostgreSQL array keeps its order. */
  @Column({ name: 'transfer_syntaxes', type: 'varchar', length: 64, array: true })
  transferSyntaxes!: string[];

  @ManyToOne(() => AssociationRow, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'association_id' })
  association?: AssociationRow;
}
