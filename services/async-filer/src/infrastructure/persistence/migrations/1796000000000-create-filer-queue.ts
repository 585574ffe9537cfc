import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The queue (the engine's BatchedDocument): one row per (filer, session, SOP instance); a batch per
 * (filer, session) carrying the session's retry state and the lease of the replica delivering it;
 * the released sessions; and the paused flag of each filer.
 */
export class CreateFilerQueue1796000000000 implements MigrationInterface {
  name = 'CreateFilerQueue1796000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "filer_document" ("id" bigserial NOT NULL, "filer" character varying(64) NOT NULL, "destination" character varying(64) NOT NULL, "session_id" character varying(160) NOT NULL, "sop_instance_uid" character varying(64) NOT NULL, "sop_class_uid" character varying(64) NOT NULL, "storage_key" character varying(1024) NOT NULL, "sha256" character(64) NOT NULL, "calling_aet" character varying(16), "status" character varying(10) NOT NULL, "remark" text NOT NULL DEFAULT '', "attempts" integer NOT NULL DEFAULT 0, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "delivered_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "CHK_filer_document_status" CHECK ("status" IN ('Queued','Ignored','Delivered','Errored')), CONSTRAINT "UQ_filer_document" UNIQUE ("filer", "session_id", "sop_instance_uid"), CONSTRAINT "PK_filer_document" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_filer_document_status" ON "filer_document" ("filer", "status", "created_at")`);
    await queryRunner.query(`CREATE INDEX "IDX_filer_document_sop" ON "filer_document" ("sop_instance_uid", "destination")`);
    await queryRunner.query(
      `CREATE TABLE "filer_batch" ("filer" character varying(64) NOT NULL, "session_id" character varying(160) NOT NULL, "pending" boolean NOT NULL DEFAULT true, "retries" integer NOT NULL DEFAULT 0, "next_attempt_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "parked_at" TIMESTAMP WITH TIME ZONE, "last_enqueued_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "lease_owner" character varying(128), "lease_until" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_filer_batch" PRIMARY KEY ("filer", "session_id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_filer_batch_due" ON "filer_batch" ("next_attempt_at") WHERE "pending" AND "parked_at" IS NULL`);
    await queryRunner.query(
      `CREATE TABLE "filer_session" ("session_id" character varying(160) NOT NULL, "ended" character varying(10) NOT NULL, "ended_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_filer_session" PRIMARY KEY ("session_id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "filer_state" ("filer" character varying(64) NOT NULL, "paused" boolean NOT NULL DEFAULT false, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_filer_state" PRIMARY KEY ("filer"))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "filer_state"`);
    await queryRunner.query(`DROP TABLE "filer_session"`);
    await queryRunner.query(`DROP INDEX "IDX_filer_batch_due"`);
    await queryRunner.query(`DROP TABLE "filer_batch"`);
    await queryRunner.query(`DROP INDEX "IDX_filer_document_sop"`);
    await queryRunner.query(`DROP INDEX "IDX_filer_document_status"`);
    await queryRunner.query(`DROP TABLE "filer_document"`);
  }
}
