import { Inject, Injectable } from '@nestjs/common';
import AdmZip from 'adm-zip';
import { ValidationError, type Problem } from '../errors';
import { WORKLIST_ITEMS, type NewItem, type StoredItem, type WorklistItems } from '../worklist-items.port';
import { fileItem } from './parse-items';

/** Files in one archive at most; larger worklists are imported in several archives. */
export const IMPORT_MAX_FILES = 100_000;

/**
 * Bulk import of a ZIP archive of worklist files (a wlmscpfs database folder zipped as it is):
 * every regular file is read; `lockfile` and hidden files are skipped. All files are checked
 * before anything is stored, so an archive is imported whole or not at all.
 */
@Injectable()
export class ImportArchive {
  constructor(@Inject(WORKLIST_ITEMS) private readonly items: WorklistItems) {}

  async execute(archive: Buffer): Promise<StoredItem[]> {
    let entries: AdmZip.IZipEntry[];
    try {
      entries = new AdmZip(archive).getEntries();
    } catch (err) {
      throw new ValidationError(`the body is not a ZIP archive: ${(err as Error).message}`);
    }
    const files = entries.filter((e) => !e.isDirectory && !skipped(e.entryName));
    if (files.length === 0) throw new ValidationError('the archive holds no worklist file');
    if (files.length > IMPORT_MAX_FILES) throw new ValidationError(`the archive holds ${files.length} files; at most ${IMPORT_MAX_FILES} are imported at once`);
    const items: NewItem[] = [];
    const problems: Problem[] = [];
    for (const entry of files) {
      try {
        items.push(fileItem(entry.getData(), entry.entryName));
      } catch (err) {
        if (!(err instanceof ValidationError)) throw err;
        problems.push(...err.problems);
      }
    }
    if (problems.length) throw new ValidationError(`${problems.length} of ${files.length} files are not valid worklist items; nothing was stored: ${problems[0].message}`, problems);
    return this.items.create(items);
  }
}

function skipped(path: string): boolean {
  const name = path.split('/').pop() ?? '';
  return name === 'lockfile' || name.startsWith('.') || path.startsWith('__MACOSX/');
}
