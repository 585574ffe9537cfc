import type { Readable, Writable } from 'node:stream';
import { makeEvent, type InstanceStoredV1 } from '@dicom-router/contracts';
import { buildFileMetaInformation, keywordOfTag, LeadingAttributes, LeadingAttributesReader, uidProblem } from '@dicom-router/dicom-data';
import { DimseFailure, DimseOutcome, Status } from '@dicom-router/dicom-network';
import type { CloudEventJson } from '@dicom-router/contracts';
import { ObjectWriter, StorageLocation, StorageUnavailableError, StoredObject } from '@dicom-router/storage';
import { randomUUID } from 'node:crypto';
import { instanceKey } from './instance-key';
import { type EventAnnouncer, ReconcileStoreIntent, type StoreIntentLog } from './store-intent';
import { streamChunks } from './stream-chunks';

const DICOM_CONTENT = { contentType: 'application/dicom' };

/**
 * The DIMSE outcome, and the object when one was written with the leading attributes read in
 * front of its Pixel Data (what synchronous routing evaluates its rules on).
 */
export type StoreOutcome = DimseOutcome & { stored?: StoredObject; attributes?: LeadingAttributes };

/** What to do when an instance with the same SOP Instance UID is already stored. */
export type DuplicatePolicy = 'overwrite' | 'reject' | 'keep-first';

export interface StoreInstanceRequest {
  /** Absent for file intake. */
  association?: { id: string; listener: string; callingAet: string; calledAet: string };
  /** `association`, or `file-intake:<name>`. */
  source: InstanceStoredV1['source'];
  /** File Meta (0002,0016): the calling AE title, or the original file's source. */
  sourceApplicationEntityTitle?: string;
  sopClassUid: string;
  sopInstanceUid: string;
  /** The transfer syntax the data set is encoded in (the accepted presentation context's). */
  transferSyntaxUid: string;
  dataSet: Readable;
}

export interface StoreInstanceSettings {
  implementation: { classUid: string; versionName: string };
  duplicatePolicy: DuplicatePolicy;
  /** Upper bound of the data set prefix read for events and routing before writing starts. */
  leadingAttributesMaxBytes: number;
  eventSource: string;
}

/**
 * C-STORE into the StorageLocation (docs/architecture.md §5): the data set streams from the socket into a
 * Part-10 object exactly as received, behind File Meta Information built from the command. Success
 * is answered only once the object is complete and its stored event is durable (on the bus, or in
 * the database outbox that the relay publishes from).
 */
export class StoreInstanceUseCase {
  private readonly reconcile: ReconcileStoreIntent;

  constructor(
    private readonly storage: StorageLocation,
    private readonly events: EventAnnouncer,
    private readonly intents: StoreIntentLog,
    private readonly settings: StoreInstanceSettings,
  ) {
    this.reconcile = new ReconcileStoreIntent(storage, events, intents);
  }

  async execute(request: StoreInstanceRequest): Promise<StoreOutcome> {
    for (const [name, uid] of [
      ['Affected SOP Class UID', request.sopClassUid],
      ['Affected SOP Instance UID', request.sopInstanceUid],
    ] as const) {
      const problem = uidProblem(uid);
      // PS3.4 B.2.3: Cxxx "Cannot understand" — the command itself is unusable.
      if (problem) throw new DimseFailure(Status.CannotUnderstand, `invalid ${name}: ${problem}`);
    }
    const iterator = streamChunks(request.dataSet);
    const { held, attributes } = await this.readLeadingAttributes(iterator, request.transferSyntaxUid);
    const studyInstanceUid = attributes.get('StudyInstanceUID');
    const seriesInstanceUid = attributes.get('SeriesInstanceUID');
    const key = instanceKey({ studyInstanceUid, seriesInstanceUid, sopInstanceUid: request.sopInstanceUid });

    const existing = await this.headOrUnavailable(key);
    if (existing && this.settings.duplicatePolicy !== 'overwrite') {
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) void next; // read to the end
      // The copy that stands must have been announced: one a crash left without its event is announced now.
      await this.settleOpenIntents(key);
      if (this.settings.duplicatePolicy === 'reject') {
        throw new DimseFailure(Status.DuplicateSopInstance, 'duplicate SOP Instance UID: already stored');
      }
      return { status: Status.Success }; // keep-first: the stored copy stands, announced
    }

    const eventId = randomUUID();
    const eventFor = (stored: StoredObject): CloudEventJson =>
      makeEvent('instanceStored', this.storedEventData(request, stored, attributes, studyInstanceUid, seriesInstanceUid), {
        id: eventId,
        source: this.settings.eventSource,
        subject: request.sopInstanceUid,
      });
    if (existing) {
      // Overwrite of an object that was answered and announced before: the new copy replaces it only
      // once its own event is durable, so a failure here leaves the earlier copy exactly as it was.
      const staged = await this.writeObject(this.storage.createReplacement(key, DICOM_CONTENT), request, held, iterator);
      try {
        await this.announce(eventFor(staged));
        await staged.promote();
      } catch (err) {
        await staged.discard().catch(() => undefined);
        throw err instanceof DimseFailure ? err : new DimseFailure(Status.OutOfResources, `storage unavailable: ${describe(err)}`);
      }
      return { status: Status.Success, stored: { key: staged.key, size: staged.size, sha256: staged.sha256 }, attributes };
    }

    // The intent is written while the data set streams in, and must be durable before the object can
    // become visible: a crash between the object and its event then leaves a trace to announce it by.
    const intent = this.intents.hold({ eventId, key, event: eventFor({ key, size: 0, sha256: '' }) }).then(
      () => true,
      () => false,
    );
    const stored = await this.writeObject(this.storage.createWriter(key, DICOM_CONTENT), request, held, iterator, intent);
    try {
      await this.announce(eventFor(stored));
    } catch (err) {
      // Not announced means not promised: withdraw the object. The key held nothing before this store
      // (head above), so nothing anyone was promised goes with it; the modality's retry stores it anew.
      const withdrawn = await this.storage.delete(key).then(
        () => true,
        () => false,
      );
      if (withdrawn && (await intent)) this.intents.release(eventId);
      throw err;
    }
    if (await intent) this.intents.release(eventId);
    return { status: Status.Success, stored, attributes };
  }

  /** Announces what open intents say the key holds unannounced; A700H when that cannot be done now. */
  private async settleOpenIntents(key: string): Promise<void> {
    try {
      for (const intent of await this.intents.pendingFor(key)) await this.reconcile.execute(intent);
    } catch (err) {
      throw new DimseFailure(Status.OutOfResources, `stored copy could not be confirmed as announced: ${describe(err)}`);
    }
  }

  private async announce(event: CloudEventJson): Promise<void> {
    try {
      await this.events.announce(event);
    } catch (err) {
      throw new DimseFailure(Status.OutOfResources, `event bus and outbox unavailable: ${describe(err)}`);
    }
  }

  /** What the key holds now; storage that cannot say is A700H, before a byte is written. */
  private async headOrUnavailable(key: string): Promise<{ size: number } | null> {
    try {
      return await this.storage.head(key);
    } catch (err) {
      if (err instanceof StorageUnavailableError) throw new DimseFailure(Status.OutOfResources, `storage unavailable: ${err.message}`);
      throw err;
    }
  }

  /** Read the data set's prefix up to the pixel data (bounded), keeping the chunks for the writer. */
  private async readLeadingAttributes(iterator: AsyncIterator<Buffer>, transferSyntaxUid: string) {
    const reader = new LeadingAttributesReader(transferSyntaxUid, { maxBytes: this.settings.leadingAttributesMaxBytes });
    const held: Buffer[] = [];
    while (!reader.finished) {
      const next = await iterator.next();
      if (next.done) {
        reader.end();
        break;
      }
      held.push(next.value);
      reader.push(next.value);
    }
    return { held, attributes: reader.result() };
  }

  /** Streams the object into `writer`; `beforeVisible` is awaited before the last byte lets it commit. */
  private async writeObject<Committed extends StoredObject>(
    writer: ObjectWriter<Committed>,
    request: StoreInstanceRequest,
    held: Buffer[],
    rest: AsyncIterator<Buffer>,
    beforeVisible?: Promise<unknown>,
  ): Promise<Committed> {
    try {
      const failed = watchErrors(writer.stream);
      // PS3.10 §7.1: the object is a Part-10 file whose data set bytes are exactly those received.
      await write(
        writer.stream,
        buildFileMetaInformation({
          mediaStorageSopClassUid: request.sopClassUid,
          mediaStorageSopInstanceUid: request.sopInstanceUid,
          transferSyntaxUid: request.transferSyntaxUid,
          implementationClassUid: this.settings.implementation.classUid,
          implementationVersionName: this.settings.implementation.versionName,
          sourceApplicationEntityTitle: request.sourceApplicationEntityTitle,
        }),
        failed,
      );
      for (const chunk of held) await write(writer.stream, chunk, failed);
      for (let next = await rest.next(); !next.done; next = await rest.next()) await write(writer.stream, next.value, failed);
      await beforeVisible;
      await end(writer.stream, failed);
      return await writer.commit();
    } catch (err) {
      await writer.abort(err instanceof Error ? err : new Error(String(err)));
      if (err instanceof DimseFailure) throw err;
      // PS3.4 B.2.3: A7xx "Out of Resources" for storage that cannot take the object now.
      if (err instanceof StorageUnavailableError) throw new DimseFailure(Status.OutOfResources, `storage unavailable: ${err.message}`);
      throw err;
    }
  }

  private storedEventData(
    request: StoreInstanceRequest,
    stored: StoredObject,
    attributes: LeadingAttributes,
    studyInstanceUid: string | undefined,
    seriesInstanceUid: string | undefined,
  ): InstanceStoredV1 {
    const association = request.association;
    return {
      associationId: association?.id ?? null,
      listener: association?.listener ?? null,
      callingAet: association?.callingAet ?? null,
      calledAet: association?.calledAet ?? null,
      source: request.source,
      storage: { location: this.storage.kind, key: stored.key, size: stored.size, sha256: stored.sha256 },
      transferSyntaxUid: request.transferSyntaxUid,
      sopClassUid: request.sopClassUid,
      sopInstanceUid: request.sopInstanceUid,
      studyInstanceUid: studyInstanceUid && !uidProblem(studyInstanceUid) ? studyInstanceUid : '',
      seriesInstanceUid: seriesInstanceUid && !uidProblem(seriesInstanceUid) ? seriesInstanceUid : '',
      attributes: attributesByKeyword(attributes),
    };
  }
}

/** The leading attributes with a keyword and a textual value, for events and routing rules. */
function attributesByKeyword(attributes: LeadingAttributes): Record<string, string> {
  const byKeyword: Record<string, string> = {};
  for (const [tag, { value }] of attributes.elements) {
    const keyword = keywordOfTag(tag);
    if (keyword && value !== '') byKeyword[keyword] = value;
  }
  return byKeyword;
}

/**
 * Write with backpressure: resolve at once while the writer has room, otherwise on 'drain'.
 * The writer's errors are collected by `watchErrors` and rethrown here, so none goes unhandled.
 */
function write(stream: Writable, chunk: Buffer, failed: () => Error | null): Promise<void> {
  const error = failed();
  if (error) return Promise.reject(error);
  if (stream.destroyed) return Promise.reject(new Error('storage stream closed'));
  if (stream.write(chunk)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const settle = (err?: Error): void => {
      stream.off('drain', onDrain);
      stream.off('close', onClose);
      stream.off('error', onError);
      if (err) reject(err);
      else resolve();
    };
    const onDrain = (): void => settle();
    const onClose = (): void => settle(failed() ?? new Error('storage stream closed'));
    const onError = (err: Error): void => settle(err);
    stream.once('drain', onDrain);
    stream.once('close', onClose);
    stream.once('error', onError);
  });
}

function watchErrors(stream: Writable): () => Error | null {
  let error: Error | null = null;
  stream.on('error', (err: Error) => (error ??= err));
  return () => error;
}

function end(stream: Writable, failed: () => Error | null): Promise<void> {
  return new Promise((resolve, reject) => {
    const error = failed();
    if (error) return reject(error);
    stream.once('error', reject);
    stream.end(() => {
      stream.off('error', reject);
      resolve();
    });
  });
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
