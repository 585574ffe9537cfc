import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The worklist tables; the GIN index on station AE titles is beyond what entity metadata can say. */
export class CreateWorklist1795770000000 implements MigrationInterface {
  name = 'CreateWorklist1795770000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "worklist_item" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "attributes" jsonb NOT NULL, "patient_name" character varying(200), "patient_id" character varying(64), "accession_number" character varying(16), "requested_procedure_id" character varying(16), "study_instance_uid" character varying(64), "referring_physician_name" character varying(200), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_worklist_item" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_worklist_item_patient_name" ON "worklist_item" ("patient_name") `);
    await queryRunner.query(`CREATE INDEX "IDX_worklist_item_patient_id" ON "worklist_item" ("patient_id") `);
    await queryRunner.query(`CREATE INDEX "IDX_worklist_item_accession_number" ON "worklist_item" ("accession_number") `);
    await queryRunner.query(`CREATE INDEX "IDX_worklist_item_requested_procedure_id" ON "worklist_item" ("requested_procedure_id") `);
    await queryRunner.query(`CREATE INDEX "IDX_worklist_item_study_instance_uid" ON "worklist_item" ("study_instance_uid") `);
    await queryRunner.query(`CREATE INDEX "IDX_worklist_item_referring_physician_name" ON "worklist_item" ("referring_physician_name") `);
    await queryRunner.query(
      `CREATE TABLE "worklist_step" ("item_id" uuid NOT NULL, "position" integer NOT NULL, "station_aets" character varying(16) array NOT NULL DEFAULT '{}', "start_date" character varying(8), "start_time" character varying(16), "modality" character varying(16), "step_id" character varying(16), "status" character varying(16), CONSTRAINT "PK_worklist_step" PRIMARY KEY ("item_id", "position"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_worklist_step_start_date" ON "worklist_step" ("start_date") `);
    await queryRunner.query(`CREATE INDEX "IDX_worklist_step_modality" ON "worklist_step" ("modality") `);
    await queryRunner.query(`CREATE INDEX "IDX_worklist_step_step_id" ON "worklist_step" ("step_id") `);
    await queryRunner.query(`CREATE INDEX "IDX_worklist_step_status" ON "worklist_step" ("status") `);
    await queryRunner.query(`CREATE INDEX "IDX_worklist_step_station_aets" ON "worklist_step" USING GIN ("station_aets")`);
    await queryRunner.query(
      `ALTER TABLE "worklist_step" ADD CONSTRAINT "FK_worklist_step_item" FOREIGN KEY ("item_id") REFERENCES "worklist_item"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "worklist_step" DROP CONSTRAINT "FK_worklist_step_item"`);
    await queryRunner.query(`DROP TABLE "worklist_step"`);
    await queryRunner.query(`DROP TABLE "worklist_item"`);
  }
}
