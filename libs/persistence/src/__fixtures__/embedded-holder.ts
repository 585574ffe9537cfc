// Run as a process of its own (see embedded-holder-process.ts): opens the embedded database on
// argv[2], writes one row, prints `ready` and holds the database until it is killed.
import { openDatabase } from '../database/data-source';

async function hold(dataDir: string): Promise<void> {
  const db = await openDatabase({
    dataDir,
    entities: [],
    migrations: [],
    logger: { info: (m) => process.stderr.write(`${m}\n`), warn: (m) => process.stderr.write(`${m}\n`) },
  });
  await db.run((m) => m.query('CREATE TABLE IF NOT EXISTS kept (n int)'));
  await db.run((m) => m.query('INSERT INTO kept VALUES (1)'));
  process.stdout.write('ready\n');
  setInterval(() => undefined, 60_000);
}

hold(process.argv[2]).catch((err: Error) => {
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
});
