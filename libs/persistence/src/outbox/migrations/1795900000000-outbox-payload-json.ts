import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The payload is only ever stored and read back whole, never queried into: `json` keeps the text as
 * written (the event leaves exactly as it was committed) and skips jsonb's parse on every insert,
 * which is on the path of every C-STORE response that goes through the outbox.
 */
export class OutboxPayloadJson1795900000000 implements MigrationInterface {
  name = 'OutboxPayloadJson1795900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "outbox_event" ALTER COLUMN "payload" TYPE json USING "payload"::json`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "outbox_event" ALTER COLUMN "payload" TYPE jsonb USING "payload"::jsonb`);
  }
}
