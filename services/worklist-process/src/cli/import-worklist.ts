import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import AdmZip from 'adm-zip';

/**
 * `npm run worklist:import -- <folder | archive.zip>`: bulk import of a folder of worklist files
 * (a wlmscpfs database folder, e.g. /usr/share/doc/dcmtk/examples/wlistdb/OFFIS after dump2dcm)
 * or of a ZIP archive, through POST /api/v1/worklist/items/import: all files or none.
 * WORKLIST_URL (default http://127.0.0.1:$HTTP_PORT or :8080), API_TOKEN (default <DATA_DIR>/api-token).
 */
async function main(): Promise<void> {
  const source = process.argv[2];
  if (!source) throw new Error('usage: worklist:import <folder | archive.zip>');
  const archive = statSync(source).isDirectory() ? zipFolder(resolve(source)) : readFileSync(source);
  const base = process.env['WORKLIST_URL'] ?? `http://127.0.0.1:${process.env['HTTP_PORT'] ?? '8080'}`;
  const token = process.env['API_TOKEN'] ?? readFileSync(join(resolve(process.env['DATA_DIR'] ?? 'data'), 'api-token'), 'utf8').trim();
  const response = await fetch(`${base}/api/v1/worklist/items/import`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/zip' },
    body: archive,
  });
  const text = await response.text();
  if (response.status !== 201) throw new Error(`${base} answered ${response.status}: ${text.slice(0, 2000)}`);
  process.stdout.write(`imported ${(JSON.parse(text) as { imported: number }).imported} worklist items from ${source}\n`);
}

function zipFolder(folder: string): Buffer {
  const zip = new AdmZip();
  zip.addLocalFolder(folder);
  return zip.toBuffer();
}

main().catch((err: unknown) => {
  process.stderr.write(`worklist:import: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
