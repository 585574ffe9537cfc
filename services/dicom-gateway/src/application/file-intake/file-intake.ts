import fs from 'node:fs';
import path from 'node:path';
import { NotPart10Error, readPart10Header } from '@dicom-router/dicom-data';
import { DimseFailure, Status } from '@dicom-router/dicom-network';
import type { StoreInstanceRequest, StoreInstanceUseCase, StoreOutcome } from '../store-instance/store-instance.use-case';
import { fileSpecMatcher } from './file-spec';

export interface FileIntakeSettings {
  name: string;
  path: string;
  fileSpec: string;
  afterStore: 'move' | 'delete';
  archivePath?: string;
  errorPath?: string;
  /** A file is taken only once its size and modification time held still this long. */
  settleMs: number;
}

export interface FileIntakeLog {
  stored(file: string, outcome: StoreOutcome): void;
  rejected(file: string, reason: string): void;
  deferred(file: string, reason: string): void;
}

interface Observation {
  size: number;
  mtimeMs: number;
  /** When this size and time were first seen. */
  since: number;
}

/**
 * A watched directory of Part-10 files (the engine's file business service): each file that has
 * settled is stored exactly like a received C-STORE (same key, same event, source
 * `file-intake:<name>`), then moved or deleted. Files that are not DICOM go to the error folder
 * with a `.reason.txt` beside them; files whose store failed for a passing reason stay and are
 * tried again on a later scan.
 */
export class FileIntake {
  private readonly seen = new Map<string, Observation>();
  /** Files that failed permanently without an error folder: skipped until they change. */
  private readonly refused = new Map<string, string>();
  private readonly matches: (name: string) => boolean;

  constructor(
    private readonly settings: FileIntakeSettings,
    private readonly store: StoreInstanceUseCase,
    private readonly log: FileIntakeLog,
    /**
     * Runs after the instance is stored and before the file is moved or deleted; throws a
     * DimseFailure when the instance did not reach its destinations (A700H: the file stays and is
     * tried again; any other status: it goes to the error folder with the reason).
     */
    private readonly route?: (outcome: StoreOutcome, request: StoreInstanceRequest) => Promise<void>,
  ) {
    this.matches = fileSpecMatcher(settings.fileSpec);
  }

  get name(): string {
    return this.settings.name;
  }

  /** One pass over the directory; returns how many files were taken (stored or rejected). */
  async scan(now = Date.now()): Promise<number> {
    const entries = await fs.promises.readdir(this.settings.path, { withFileTypes: true });
    const present = new Set<string>();
    let taken = 0;
    for (const entry of entries) {
      if (!entry.isFile() || !this.matches(entry.name)) continue;
      present.add(entry.name);
      const file = path.join(this.settings.path, entry.name);
      const stat = await fs.promises.stat(file).catch(() => null);
      if (!stat) continue;
      if (!this.settled(entry.name, stat, now)) continue;
      if (this.refused.get(entry.name) === `${stat.size}:${stat.mtimeMs}`) continue;
      if (await this.take(file, entry.name, stat)) taken++;
    }
    for (const name of this.seen.keys()) if (!present.has(name)) this.seen.delete(name);
    for (const name of this.refused.keys()) if (!present.has(name)) this.refused.delete(name);
    return taken;
  }

  /** Partly written files must not be taken: the size and time must hold still for settleMs. */
  private settled(name: string, stat: fs.Stats, now: number): boolean {
    const before = this.seen.get(name);
    if (!before || before.size !== stat.size || before.mtimeMs !== stat.mtimeMs) {
      this.seen.set(name, { size: stat.size, mtimeMs: stat.mtimeMs, since: now });
      return false;
    }
    return now - before.since >= this.settings.settleMs && now - stat.mtimeMs >= this.settings.settleMs;
  }

  private async take(file: string, name: string, stat: fs.Stats): Promise<boolean> {
    const stream = fs.createReadStream(file);
    try {
      const { meta, dataSet } = await readPart10Header(stream);
      const request = {
        source: `file-intake:${this.settings.name}` as const,
        sourceApplicationEntityTitle: meta.sourceApplicationEntityTitle,
        sopClassUid: meta.mediaStorageSopClassUid,
        sopInstanceUid: meta.mediaStorageSopInstanceUid,
        transferSyntaxUid: meta.transferSyntaxUid,
        dataSet,
      };
      const outcome = await this.store.execute(request);
      // A route target: the file leaves only once its destinations confirmed (a DimseFailure otherwise).
      await this.route?.(outcome, request);
      await this.afterStore(file, name);
      this.seen.delete(name);
      this.log.stored(file, outcome);
      return true;
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      if (isPermanent(err)) {
        await this.reject(file, name, stat, reason);
        return true;
      }
      this.log.deferred(file, reason);
      return false;
    } finally {
      stream.destroy();
    }
  }

  private async afterStore(file: string, name: string): Promise<void> {
    if (this.settings.afterStore === 'delete') return fs.promises.unlink(file);
    await moveAside(file, this.settings.archivePath as string, name);
  }

  private async reject(file: string, name: string, stat: fs.Stats, reason: string): Promise<void> {
    this.log.rejected(file, reason);
    this.seen.delete(name);
    if (!this.settings.errorPath) {
      this.refused.set(name, `${stat.size}:${stat.mtimeMs}`);
      return;
    }
    const moved = await moveAside(file, this.settings.errorPath, name);
    await fs.promises.writeFile(`${moved}.reason.txt`, `${reason}\n`);
  }
}

/**
 * Not DICOM, or refused for what it is (bad UIDs, duplicate): trying again cannot help.
 * Storage or bus outages (A700H) and I/O errors are passing: the file stays for the next scan.
 */
function isPermanent(err: unknown): boolean {
  if (err instanceof NotPart10Error) return true;
  return err instanceof DimseFailure && err.status !== Status.OutOfResources;
}

/** Move into `dir`, never overwriting: a name already taken gets a numeric suffix. */
async function moveAside(file: string, dir: string, name: string): Promise<string> {
  await fs.promises.mkdir(dir, { recursive: true });
  const parsed = path.parse(name);
  for (let n = 0; ; n++) {
    const target = path.join(dir, n === 0 ? name : `${parsed.name}.${n}${parsed.ext}`);
    try {
      await fs.promises.link(file, target);
      await fs.promises.unlink(file);
      return target;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') continue;
      if (code === 'EXDEV' || code === 'EPERM') {
        // Another filesystem (or no hard links): copy without overwriting, then remove.
        try {
          await fs.promises.copyFile(file, target, fs.constants.COPYFILE_EXCL);
        } catch (copyErr) {
          if ((copyErr as NodeJS.ErrnoException).code === 'EEXIST') continue;
          throw copyErr;
        }
        await fs.promises.unlink(file);
        return target;
      }
      throw err;
    }
  }
}
