import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateStoreIntent1796000000000 implements MigrationInterface {
  name = 'CreateStoreIntent1796000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "store_intent" ("event_id" uuid NOT NULL, "object_key" text NOT NULL, "event" json NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT clock_timestamp(), CONSTRAINT "PK_store_intent" PRIMARY KEY ("event_id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_store_intent_object_key" ON "store_intent" ("object_key")`);
    await queryRunner.query(`CREATE INDEX "IDX_store_intent_created_at" ON "store_intent" ("created_at")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "store_intent"`);
  }
}
