// Applies the database migrations of every service in this image to DATABASE_URL, then exits: the
// Helm hook Job runs it before an upgrade rolls the pods. Services apply the same migrations at start
// under a PostgreSQL advisory lock, so running this twice, or beside a starting pod, is harmless.
// Migration sets: the event outbox and the gateway's store intents of @dicom-router/persistence, plus every `<NAME>_MIGRATIONS` /
// `<NAME>_ENTITIES` pair exported by services/*/dist/index.js (association-registry, worklist-process,
// async-filer). A migration exported in several sets (async-filer's FILER_MIGRATIONS repeats the
// outbox's) is applied once.
const { existsSync, readdirSync } = require('node:fs');
const { join, resolve } = require('node:path');
const persistence = require('@dicom-router/persistence');

const root = resolve(__dirname, '..');

function migrationSets() {
  const sets = [
    { name: 'outbox', entities: persistence.OUTBOX_ENTITIES, migrations: persistence.OUTBOX_MIGRATIONS },
    { name: 'store intents', entities: [], migrations: persistence.STORE_INTENT_MIGRATIONS },
  ];
  const services = join(root, 'services');
  for (const service of existsSync(services) ? readdirSync(services) : []) {
    const entry = join(services, service, 'dist', 'index.js');
    if (!existsSync(entry)) continue;
    const exported = require(entry);
    for (const key of Object.keys(exported).filter((k) => k.endsWith('_MIGRATIONS'))) {
      const prefix = key.slice(0, -'_MIGRATIONS'.length);
      sets.push({ name: `${service} ${prefix.toLowerCase()}`, entities: exported[`${prefix}_ENTITIES`] ?? [], migrations: exported[key] });
    }
  }
  return sets;
}

async function main() {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set: migrations are for PostgreSQL; the embedded database migrates itself');
  const sets = migrationSets();
  const database = await persistence.openDatabase({
    url,
    dataDir: '/nonexistent',
    entities: [...new Set(sets.flatMap((s) => s.entities))],
    migrations: [...new Set(sets.flatMap((s) => s.migrations))],
    logger: { info: (m) => process.stdout.write(`${m}\n`), warn: (m) => process.stderr.write(`${m}\n`) },
  });
  await database.close();
  process.stdout.write(`migrations checked: ${sets.map((s) => s.name).join(', ')}\n`);
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`migrate: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
