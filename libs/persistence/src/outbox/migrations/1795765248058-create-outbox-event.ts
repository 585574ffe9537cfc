import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Plain PostgreSQL DDL (the specs apply it to the embedded server and to DATABASE_URL). */
export class CreateOutboxEvent1795765248058 implements MigrationInterface {
  name = 'CreateOutboxEvent1795765248058';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "outbox_event" ("id" uuid NOT NULL, "subject" text NOT NULL, "payload" jsonb NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT clock_timestamp(), "seq" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "attempts" integer NOT NULL DEFAULT '0', "last_error" text, "published_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_cc0c9e40998e45ecfc5e313429d" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_outbox_event_published_at_created_at" ON "outbox_event" ("published_at", "created_at")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_outbox_event_published_at_created_at"`);
    await queryRunner.query(`DROP TABLE "outbox_event"`);
  }
}
