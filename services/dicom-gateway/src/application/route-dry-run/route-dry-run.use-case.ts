import { LeadingAttributesReader, readPart10Header } from '@dicom-router/dicom-data';
import { parseAttributeName, RuleSet, type InstanceFacts, type RuleVerdict } from '@dicom-router/routing-rules';
import { ObjectNotFoundError, type StorageLocation } from '@dicom-router/storage';

/** An instance described by hand, or a stored one (its File Meta and leading attributes are read). */
export interface DryRunRequest {
  storageKey?: string;
  callingAet?: string;
  calledAet?: string;
  peerAddress?: string;
  source?: string;
  sopClassUid?: string;
  sopInstanceUid?: string;
  transferSyntaxUid?: string;
  /** By keyword, `(gggg,eeee)` or `ggggeeee`; added to (and overriding) a stored instance's. */
  attributes?: Record<string, string>;
}

export interface DryRunResult {
  routes: RuleVerdict[];
  filers: RuleVerdict[];
  /** Destinations of every matching route, each once: where a synchronous listener would send it. */
  routeDestinations: string[];
}

/** Bad input to a dry run: a 400 for the REST API. */
export class DryRunInputError extends Error {
  override readonly name = 'DryRunInputError';
}

/** Upper bound of data set bytes read from a stored object for its leading attributes. */
const LEADING_BYTES = 1024 * 1024;

/** Evaluates the production's routes and filers for one instance, without sending anything. */
export class RouteDryRunUseCase {
  constructor(
    private readonly routes: RuleSet,
    private readonly filers: RuleSet,
    private readonly storage: StorageLocation,
  ) {}

  async execute(request: DryRunRequest): Promise<DryRunResult> {
    const facts = await this.facts(request);
    const routes = this.routes.evaluate(facts);
    return {
      routes,
      filers: this.filers.evaluate(facts),
      routeDestinations: [...new Set(routes.filter((v) => v.matched).flatMap((v) => v.destinations))],
    };
  }

  private async facts(request: DryRunRequest): Promise<InstanceFacts> {
    const attributes = new Map<number, { value: string }>();
    let stored: Partial<InstanceFacts> = {};
    if (request.storageKey !== undefined) stored = await this.readStored(request.storageKey, attributes);
    for (const [name, value] of Object.entries(request.attributes ?? {})) {
      if (typeof value !== 'string') throw new DryRunInputError(`attributes[${JSON.stringify(name)}] must be a string`);
      try {
        attributes.set(parseAttributeName(name), { value });
      } catch (error) {
        throw new DryRunInputError(`attributes: ${(error as Error).message}`);
      }
    }
    const text = (field: keyof DryRunRequest & keyof InstanceFacts): string => {
      const value = request[field] ?? stored[field] ?? '';
      if (typeof value !== 'string') throw new DryRunInputError(`${field} must be a string`);
      return value;
    };
    return {
      callingAet: text('callingAet'),
      calledAet: text('calledAet'),
      peerAddress: text('peerAddress'),
      source: text('source'),
      sopClassUid: text('sopClassUid'),
      sopInstanceUid: text('sopInstanceUid'),
      transferSyntaxUid: text('transferSyntaxUid'),
      attributes,
    };
  }

  /** PS3.10 §7.1 File Meta, then the data set's attributes in front of Pixel Data (PS3.5 §7.1). */
  private async readStored(key: string, into: Map<number, { value: string }>): Promise<Partial<InstanceFacts>> {
    let stream;
    try {
      stream = await this.storage.openReader(key);
    } catch (error) {
      if (error instanceof ObjectNotFoundError) throw new DryRunInputError(`nothing is stored under ${key}`);
      throw error;
    }
    try {
      const { meta, dataSet } = await readPart10Header(stream);
      const reader = new LeadingAttributesReader(meta.transferSyntaxUid, { maxBytes: LEADING_BYTES });
      for await (const chunk of dataSet) {
        reader.push(chunk as Buffer);
        if (reader.finished) break;
      }
      reader.end();
      for (const [tag, element] of reader.result().elements) into.set(tag, { value: element.value });
      return {
        callingAet: meta.sourceApplicationEntityTitle ?? '',
        sopClassUid: meta.mediaStorageSopClassUid,
        sopInstanceUid: meta.mediaStorageSopInstanceUid,
        transferSyntaxUid: meta.transferSyntaxUid,
      };
    } finally {
      stream.destroy();
    }
  }
}
