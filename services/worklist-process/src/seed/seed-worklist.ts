import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { generateWorklistItems, todayYyyymmdd } from '@dicom-router/worklist';

/**
 * `npm run seed:worklist`: loads a demo worklist (patients scheduled on CT, MR, US, CR, MG and NM
 * stations from yesterday to the day after tomorrow) into a running router over its REST API.
 * WORKLIST_URL (default http://127.0.0.1:$HTTP_PORT or :8080), API_TOKEN (default the token that
 * `npm start` generated under DATA_DIR, ./data), SEED_COUNT (default 40).
 */
async function main(): Promise<void> {
  const base = process.env['WORKLIST_URL'] ?? `http://127.0.0.1:${process.env['HTTP_PORT'] ?? '8080'}`;
  const token = process.env['API_TOKEN'] ?? readToken(resolve(process.env['DATA_DIR'] ?? 'data'));
  const count = Number(process.env['SEED_COUNT'] ?? '40');
  if (!Number.isInteger(count) || count < 1 || count > 100_000) throw new Error('SEED_COUNT must be an integer from 1 to 100000');
  const items = generateWorklistItems({ count, today: todayYyyymmdd(), spreadDays: 1, stationsPerModality: 2, seed: 1 + (Date.now() % 1_000_000) });
  const response = await fetch(`${base}/api/v1/worklist/items`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/dicom+json' },
    body: JSON.stringify(items),
  });
  const text = await response.text();
  if (response.status !== 201) throw new Error(`${base} answered ${response.status}: ${text.slice(0, 500)}`);
  process.stdout.write(`loaded ${items.length} worklist items into ${base}; try: findscu -W -k PatientName -k "ScheduledProcedureStepSequence[0].ScheduledStationAETitle=CT01" localhost 11112\n`);
}

function readToken(dataDir: string): string {
  try {
    return readFileSync(join(dataDir, 'api-token'), 'utf8').trim();
  } catch {
    throw new Error(`set API_TOKEN, or run from the directory where \`npm start\` created ${join(dataDir, 'api-token')}`);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`seed:worklist: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
