import { createHash } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import type { CloudEventJson } from '@dicom-router/contracts';
import { readFileMetaInformation } from '@dicom-router/dicom-data';
import { DimseFailure, Status } from '@dicom-router/dicom-network';
import { ObjectNotFoundError, ObjectWriter, StagedObject, StorageLocation, StorageUnavailableError, StoredObject } from '@dicom-router/storage';
import { DuplicatePolicy, StoreInstanceUseCase } from './store-instance.use-case';
import type { EventAnnouncer, StoreIntent, StoreIntentLog } from './store-intent';

/** Pure unit tests of the use case's decisions, with in-memory storage and announcer. */

const CT = '1.2.840.10008.5.1.4.1.1.2';
const EXPLICIT_LE = '1.2.840.10008.1.2.1';

function element(group: number, elementNumber: number, vr: string, value: string): Buffer {
  const bytes = Buffer.from(value.length % 2 ? value + (vr === 'UI' ? '\0' : ' ') : value, 'latin1');
  const header = Buffer.alloc(8);
  header.writeUInt16LE(group, 0);
  header.writeUInt16LE(elementNumber, 2);
  header.write(vr, 4, 'latin1');
  header.writeUInt16LE(bytes.length, 6);
  return Buffer.concat([header, bytes]);
}

const dataSet = (sop: string): Buffer =>
  Buffer.concat([
    element(0x0008, 0x0016, 'UI', CT),
    element(0x0008, 0x0018, 'UI', sop),
    element(0x0008, 0x0060, 'CS', 'CT'),
    element(0x0020, 0x000d, 'UI', '1.2.3'),
    element(0x0020, 0x000e, 'UI', '1.2.3.4'),
  ]);

class MemoryStorage implements StorageLocation {
  readonly kind = 'file' as const;
  readonly description = 'memory';
  readonly objects = new Map<string, Buffer>();
  readonly staged = new Set<Buffer>();
  writes = 0;
  failWrites = false;
  failPromote = false;

  createWriter(key: string): ObjectWriter {
    return this.writer(key, async (bytes) => this.place(key, bytes));
  }

  /** Staged copies live apart from the objects until promoted, as in the real locations. */
  createReplacement(key: string): ObjectWriter<StagedObject> {
    return this.writer(key, async (bytes) => {
      this.staged.add(bytes);
      return {
        ...describeObject(key, bytes),
        promote: async () => {
          if (this.failPromote) throw new StorageUnavailableError('copy refused');
          this.staged.delete(bytes);
          this.place(key, bytes);
        },
        discard: async () => void this.staged.delete(bytes),
      };
    });
  }

  /** Told each time an object becomes visible under its key. */
  onPlace: (key: string) => void = () => undefined;

  private place(key: string, bytes: Buffer): StoredObject {
    this.onPlace(key);
    this.objects.set(key, bytes);
    this.writes++;
    return describeObject(key, bytes);
  }

  private writer<Committed extends StoredObject>(key: string, commit: (bytes: Buffer) => Promise<Committed>): ObjectWriter<Committed> {
    const chunks: Buffer[] = [];
    const stream = new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        if (this.failWrites) return done(new StorageUnavailableError('disk on fire'));
        chunks.push(chunk);
        done();
      },
    });
    return { stream, commit: () => commit(Buffer.concat(chunks)), abort: async () => undefined };
  }

  async openReader(key: string): Promise<Readable> {
    const object = this.objects.get(key);
    if (!object) throw new ObjectNotFoundError(`no object at key ${key}`);
    return Readable.from([object]);
  }
  async head(key: string) {
    const o = this.objects.get(key);
    return o ? { size: o.length } : null;
  }
  async delete(key: string): Promise<void> {
    this.objects.delete(key);
  }
  async check(): Promise<void> {
    return undefined;
  }
}

function describeObject(key: string, bytes: Buffer): StoredObject {
  return { key, size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
}

class MemoryAnnouncer implements EventAnnouncer {
  readonly events: CloudEventJson[] = [];
  fail = false;
  async announce(event: CloudEventJson): Promise<void> {
    if (this.fail) throw new Error('bus and outbox down');
    this.events.push(event);
  }
}

/** Intents in memory; `down` makes every call fail, as a database that is away. */
class MemoryIntents implements StoreIntentLog {
  readonly open = new Map<string, StoreIntent>();
  /** What each object's key had as open intents when the object became visible. */
  readonly heldWhenVisible: string[] = [];
  down = false;
  async hold(intent: StoreIntent): Promise<void> {
    if (this.down) throw new Error('database away');
    this.open.set(intent.eventId, intent);
  }
  release(eventId: string): void {
    this.open.delete(eventId);
  }
  async pendingFor(key: string): Promise<StoreIntent[]> {
    if (this.down) throw new Error('database away');
    return [...this.open.values()].filter((i) => i.key === key);
  }
  async forget(eventId: string): Promise<void> {
    if (this.down) throw new Error('database away');
    this.open.delete(eventId);
  }
}

function setup(duplicatePolicy: DuplicatePolicy = 'overwrite') {
  const storage = new MemoryStorage();
  const announcer = new MemoryAnnouncer();
  const intents = new MemoryIntents();
  storage.onPlace = (key) => intents.heldWhenVisible.push(...[...intents.open.values()].filter((i) => i.key === key).map((i) => i.eventId));
  const useCase = new StoreInstanceUseCase(storage, announcer, intents, {
    implementation: { classUid: '2.25.1', versionName: 'UNIT' },
    duplicatePolicy,
    leadingAttributesMaxBytes: 1024 * 1024,
    eventSource: '/dicom-router/test',
  });
  const store = (sop: string, bytes = dataSet(sop)) => {
    const stream = Readable.from([bytes.subarray(0, 10), bytes.subarray(10)]);
    return {
      stream,
      result: useCase.execute({ source: 'association', sopClassUid: CT, sopInstanceUid: sop, transferSyntaxUid: EXPLICIT_LE, dataSet: stream }),
    };
  };
  return { storage, announcer, intents, store };
}

const KEY = (sop: string) => `studies/1.2.3/series/1.2.3.4/instances/${sop}.dcm`;

describe('StoreInstanceUseCase', () => {
  it('stores a Part-10 object with the data set as received and announces it', async () => {
    const { storage, announcer, store } = setup();
    const outcome = await store('1.2.3.4.5').result;
    expect(outcome.status).toBe(Status.Success);
    const object = storage.objects.get(KEY('1.2.3.4.5')) as Buffer;
    const meta = readFileMetaInformation(object);
    expect(meta).toMatchObject({ mediaStorageSopInstanceUid: '1.2.3.4.5', transferSyntaxUid: EXPLICIT_LE });
    expect(object.subarray(meta.dataSetOffset).equals(dataSet('1.2.3.4.5'))).toBe(true);
    expect(announcer.events).toHaveLength(1);
    expect(announcer.events[0]).toMatchObject({ type: 'dicom.instance.stored.v1', subject: '1.2.3.4.5', data: { storage: { key: KEY('1.2.3.4.5'), size: object.length } } });
  });

  it('overwrite: a second copy replaces the first and is announced again', async () => {
    const { storage, announcer, store } = setup('overwrite');
    await store('1.2.3.4.6').result;
    expect((await store('1.2.3.4.6').result).status).toBe(Status.Success);
    expect(storage.writes).toBe(2);
    expect(announcer.events).toHaveLength(2);
  });

  it('reject: a second copy gets 0111H Duplicate SOP Instance, its data set is read to the end, nothing new is announced', async () => {
    const { storage, announcer, store } = setup('reject');
    await store('1.2.3.4.7').result;
    const second = store('1.2.3.4.7');
    await expect(second.result).rejects.toEqual(new DimseFailure(Status.DuplicateSopInstance, 'duplicate SOP Instance UID: already stored'));
    expect(second.stream.readableEnded).toBe(true);
    expect(storage.writes).toBe(1);
    expect(announcer.events).toHaveLength(1);
  });

  it('keep-first: a second copy is answered with success, not written, not announced', async () => {
    const { storage, announcer, store } = setup('keep-first');
    await store('1.2.3.4.8').result;
    expect((await store('1.2.3.4.8').result).status).toBe(Status.Success);
    expect(storage.writes).toBe(1);
    expect(announcer.events).toHaveLength(1);
  });

  it.each(['1.2/../3', '..', `1.${'2'.repeat(64)}`, '1.2.abc', ''])('refuses the SOP Instance UID %j with C000H and writes nothing', async (sop) => {
    const { storage, announcer, store } = setup();
    const attempt = store(sop, dataSet('1.2.3'));
    await expect(attempt.result).rejects.toMatchObject({ status: Status.CannotUnderstand });
    expect(storage.objects.size).toBe(0);
    expect(announcer.events).toHaveLength(0);
  });

  it('storage failing mid-write: A700H with the reason, nothing announced', async () => {
    const { storage, announcer, store } = setup();
    storage.failWrites = true;
    await expect(store('1.2.3.4.9').result).rejects.toMatchObject({ status: Status.OutOfResources, message: expect.stringMatching(/storage unavailable: disk on fire/) });
    expect(announcer.events).toHaveLength(0);
  });

  it('an event that cannot be made durable: A700H, and the object is withdrawn', async () => {
    const { storage, announcer, store } = setup();
    announcer.fail = true;
    await expect(store('1.2.3.4.10').result).rejects.toMatchObject({ status: Status.OutOfResources });
    expect(storage.objects.has(KEY('1.2.3.4.10'))).toBe(false);
  });

  it('overwrite, the event of the re-send cannot be made durable: A700H, and the copy answered before stays as it was', async () => {
    const { storage, announcer, store } = setup('overwrite');
    await store('1.2.3.4.11').result;
    const first = storage.objects.get(KEY('1.2.3.4.11'));
    announcer.fail = true;
    await expect(store('1.2.3.4.11').result).rejects.toMatchObject({ status: Status.OutOfResources, message: expect.stringMatching(/event bus and outbox unavailable/) });
    expect(storage.objects.get(KEY('1.2.3.4.11'))).toBe(first);
    expect(storage.staged.size).toBe(0);
    expect(announcer.events).toHaveLength(1);
  });

  it('overwrite: the re-send is announced before it replaces the earlier copy; a failed promotion keeps the earlier copy', async () => {
    const { storage, store } = setup('overwrite');
    await store('1.2.3.4.12').result;
    const first = storage.objects.get(KEY('1.2.3.4.12'));
    storage.failPromote = true;
    await expect(store('1.2.3.4.12').result).rejects.toMatchObject({ status: Status.OutOfResources, message: expect.stringMatching(/storage unavailable: copy refused/) });
    expect(storage.objects.get(KEY('1.2.3.4.12'))).toBe(first);
    expect(storage.staged.size).toBe(0);
  });

  it('storage that cannot say whether the key is taken: A700H before anything is written', async () => {
    const { storage, announcer, store } = setup();
    storage.head = async () => {
      throw new StorageUnavailableError('endpoint unreachable (ECONNREFUSED)');
    };
    await expect(store('1.2.3.4.13').result).rejects.toMatchObject({ status: Status.OutOfResources, message: 'storage unavailable: endpoint unreachable (ECONNREFUSED)' });
    expect(storage.writes).toBe(0);
    expect(announcer.events).toHaveLength(0);
  });

  it('holds an intent before the object becomes visible, announces under its id, then releases it', async () => {
    const { announcer, intents, store } = setup();
    await store('1.2.3.4.14').result;
    expect(intents.heldWhenVisible).toHaveLength(1);
    expect(announcer.events[0].id).toBe(intents.heldWhenVisible[0]);
    expect(intents.open.size).toBe(0);
  });

  it('an intent log that is away does not stop a store: Success, announced', async () => {
    const { announcer, intents, store } = setup();
    intents.down = true;
    expect((await store('1.2.3.4.15').result).status).toBe(Status.Success);
    expect(announcer.events).toHaveLength(1);
  });

  it.each(['keep-first', 'reject'] as const)('%s after a crash left the object without its event: the stored copy is announced before the answer', async (policy) => {
    const { storage, announcer, intents, store } = setup(policy);
    // What a process killed between the object and its event leaves: the object, and its open intent.
    announcer.fail = true;
    storage.delete = async () => {
      throw new Error('killed');
    };
    await store('1.2.3.4.16').result.catch(() => undefined);
    expect(storage.objects.has(KEY('1.2.3.4.16'))).toBe(true);
    expect(intents.open.size).toBe(1);
    const [orphan] = [...intents.open.values()];
    announcer.fail = false;

    const again = store('1.2.3.4.16').result;
    if (policy === 'reject') await expect(again).rejects.toMatchObject({ status: Status.DuplicateSopInstance });
    else expect((await again).status).toBe(Status.Success);
    const object = storage.objects.get(KEY('1.2.3.4.16')) as Buffer;
    expect(announcer.events).toHaveLength(1);
    expect(announcer.events[0]).toMatchObject({
      id: orphan.eventId,
      subject: '1.2.3.4.16',
      data: { storage: { key: KEY('1.2.3.4.16'), size: object.length, sha256: createHash('sha256').update(object).digest('hex') } },
    });
    expect(intents.open.size).toBe(0);
    expect(storage.writes).toBe(1);
  });

  it('keep-first when announced copies cannot be told from unannounced ones (intent log away): A700H', async () => {
    const { intents, store } = setup('keep-first');
    await store('1.2.3.4.17').result;
    intents.down = true;
    await expect(store('1.2.3.4.17').result).rejects.toMatchObject({ status: Status.OutOfResources, message: expect.stringMatching(/could not be confirmed as announced/) });
  });
});
