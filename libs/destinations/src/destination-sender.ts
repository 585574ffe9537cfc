import type { DestinationConfig, ImplementationConfig, TlsFiles } from '@dicom-router/config';
import {
  AssociationAbortedError,
  AssociationRejectedError,
  ClientAssociation,
  DicomClient,
  EXPLICIT_VR_LITTLE_ENDIAN,
  IMPLICIT_VR_LITTLE_ENDIAN,
  PresentationContextResult,
  statusCategory,
  VERIFICATION_SOP_CLASS,
  type ClientOptions,
} from '@dicom-router/dicom-network';
import type { StorageLocation } from '@dicom-router/storage';
import {
  DeliveryError,
  type DeliveryFailureReason,
  type DeliveryResult,
  type DestinationEcho,
  type EchoOutcome,
  type InstanceSender,
} from './instance-sender';
import { DestinationPool, PoolClosedError, type ContextNeed } from './destination-pool';
import { openStoredInstance } from './stored-instance';

export interface DestinationSenderOptions {
  destinations: readonly DestinationConfig[];
  implementation: ImplementationConfig;
  /** TLS_CERT_FILE / TLS_KEY_FILE / TLS_CA_FILE, for destinations with `tls: true`. */
  tls?: TlsFiles;
}

/** PS3.8 Table 9-18: why a presentation context was not accepted, in words. */
const CONTEXT_RESULTS: Readonly<Record<number, string>> = {
  [PresentationContextResult.UserRejection]: 'user-rejection (result 1)',
  [PresentationContextResult.NoReasonProviderRejection]: 'no-reason provider rejection (result 2)',
  [PresentationContextResult.AbstractSyntaxNotSupported]: 'abstract syntax not supported (result 3)',
  [PresentationContextResult.TransferSyntaxesNotSupported]: 'transfer syntaxes not supported (result 4)',
};

/**
 * Sends stored instances to the destinations of production.yaml (docs/architecture.md §3, the SCU side of
 * dicom-gateway): one DestinationPool per destination, the data set streamed from the
 * StorageLocation exactly as stored, the destination's C-STORE-RSP kept as it was sent.
 */
export class DestinationSender implements InstanceSender, DestinationEcho {
  private readonly destinations = new Map<string, DestinationConfig>();
  private readonly pools = new Map<string, DestinationPool>();

  constructor(
    private readonly storage: StorageLocation,
    private readonly options: DestinationSenderOptions,
  ) {
    for (const destination of options.destinations) {
      this.destinations.set(destination.name, destination);
      this.pools.set(
        destination.name,
        new DestinationPool((needs) => this.connect(destination, storeContexts(needs)), {
          maxAssociations: destination.maxAssociations,
          idleTimeoutMs: destination.idleTimeoutSeconds * 1000,
          preferredTransferSyntaxes: destination.preferredTransferSyntaxes,
        }),
      );
    }
  }

  /** The pool of a destination, for metrics and tests; undefined for an unknown name. */
  pool(destination: string): DestinationPool | undefined {
    return this.pools.get(destination);
  }

  has(destination: string): boolean {
    return this.destinations.has(destination);
  }

  /**
   * `known`: the object's SOP class and transfer syntax when the caller has them (the router gets
   * them with the command), which saves reading the File Meta twice.
   */
  async sendStoredInstance(destination: string, storageKey: string, known?: ContextNeed): Promise<DeliveryResult> {
    const started = process.hrtime.bigint();
    const config = this.config(destination);
    const pool = this.pools.get(destination) as DestinationPool;

    // The File Meta says which presentation context the data set needs. Read it now and reopen the
    // object once an association is free, so that queued work holds no open file or S3 stream.
    let need: ContextNeed;
    if (known) {
      need = { sopClassUid: known.sopClassUid, transferSyntaxUid: known.transferSyntaxUid };
    } else {
      const peek = await openStoredInstance(this.storage, storageKey, destination);
      peek.dataSet.destroy();
      need = { sopClassUid: peek.meta.mediaStorageSopClassUid, transferSyntaxUid: peek.meta.transferSyntaxUid };
    }

    try {
      return await pool.run(need, async (association) => {
        this.requireContext(config, association, need);
        const opened = await openStoredInstance(this.storage, storageKey, destination);
        if (opened.meta.mediaStorageSopClassUid !== need.sopClassUid || opened.meta.transferSyntaxUid !== need.transferSyntaxUid) {
          opened.dataSet.destroy();
          throw new DeliveryError(destination, 'not-stored', `${storageKey} holds SOP class ${opened.meta.mediaStorageSopClassUid} in ${opened.meta.transferSyntaxUid}, not what was announced`);
        }
        try {
          const response = await association.store({
            sopClassUid: opened.meta.mediaStorageSopClassUid,
            sopInstanceUid: opened.meta.mediaStorageSopInstanceUid,
            transferSyntaxUid: opened.meta.transferSyntaxUid,
            dataSet: opened.dataSet,
          });
          const category = statusCategory(response.status);
          return {
            destination,
            storageKey,
            sopInstanceUid: opened.meta.mediaStorageSopInstanceUid,
            status: response.status,
            outcome: category === 'success' || category === 'warning' ? category : 'failure',
            ...(response.errorComment === undefined ? {} : { errorComment: response.errorComment }),
            durationMs: elapsedMs(started),
            associationId: association.info.id,
          };
        } catch (error) {
          // A message cut short leaves the peer mid-data-set: only an A-ABORT ends that cleanly.
          association.abort();
          throw error;
        } finally {
          opened.dataSet.destroy();
        }
      });
    } catch (error) {
      throw toDeliveryError(destination, error);
    }
  }

  /** PS3.7 §9.1.5: C-ECHO on an association of its own, so that it tests connect and negotiation too. */
  async echo(destination: string): Promise<EchoOutcome> {
    const config = this.config(destination);
    const started = process.hrtime.bigint();
    let association: ClientAssociation;
    try {
      association = await this.connect(config, [
        { abstractSyntax: VERIFICATION_SOP_CLASS, transferSyntaxes: [EXPLICIT_VR_LITTLE_ENDIAN, IMPLICIT_VR_LITTLE_ENDIAN] },
      ]);
    } catch (error) {
      const failure = toDeliveryError(destination, error);
      return { destination, success: false, reason: failure.reason, error: failure.message };
    }
    const associationMs = elapsedMs(started);
    try {
      const { status, roundTripMs } = await association.echo();
      return { destination, success: status === 0, status, roundTripMs: round(roundTripMs), associationMs };
    } catch (error) {
      const failure = toDeliveryError(destination, error);
      return { destination, success: false, associationMs, reason: failure.reason, error: failure.message };
    } finally {
      await association.release();
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].map((pool) => pool.close()));
  }

  private config(destination: string): DestinationConfig {
    const config = this.destinations.get(destination);
    if (!config) throw new DeliveryError(destination, 'unknown-destination', 'no destination of this name is configured');
    return config;
  }

  /** No conversion (docs/architecture.md §4): a data set goes only in the transfer syntax it is stored in. */
  private requireContext(config: DestinationConfig, association: ClientAssociation, need: ContextNeed): void {
    if (association.contextFor(need.sopClassUid, need.transferSyntaxUid)) return;
    const answer = association.negotiated.find(
      (c) => c.abstractSyntax === need.sopClassUid && c.proposedTransferSyntaxes.includes(need.transferSyntaxUid),
    );
    const why = answer ? (CONTEXT_RESULTS[answer.result] ?? `result ${answer.result}`) : 'not proposed';
    throw new DeliveryError(
      config.name,
      'presentation-context-rejected',
      `${config.calledAet} did not accept SOP class ${need.sopClassUid} in the stored transfer syntax ${need.transferSyntaxUid}: ${why}; the router sends objects as stored and does not convert them`,
    );
  }

  private connect(config: DestinationConfig, presentationContexts: ClientOptions['presentationContexts']): Promise<ClientAssociation> {
    const tls = this.options.tls;
    return DicomClient.connect({
      host: config.host,
      port: config.port,
      callingAet: config.callingAet,
      calledAet: config.calledAet,
      connectTimeoutMs: config.connectTimeoutSeconds * 1000,
      // PS3.8 §9.1.5 ARTIM: waiting for A-ASSOCIATE-AC and A-RELEASE-RP.
      acseTimeoutMs: config.connectTimeoutSeconds * 1000,
      dimseTimeoutMs: config.dimseTimeoutSeconds * 1000,
      txtimMs: config.dimseTimeoutSeconds * 1000,
      implementation: this.options.implementation,
      presentationContexts,
      ...(config.tls
        ? {
            tls: {
              caFile: tls?.caFile,
              certFile: tls?.certFile,
              keyFile: tls?.keyFile,
              // PS3.15 B.1: the destination's certificate is always verified (TLS_CA_FILE or the system store).
              rejectUnauthorized: true,
            },
          }
        : {}),
    });
  }
}

/** One presentation context per (SOP class, transfer syntax): the acceptor picks one syntax per context. */
function storeContexts(needs: readonly ContextNeed[]): ClientOptions['presentationContexts'] {
  return needs.map((need) => ({ abstractSyntax: need.sopClassUid, transferSyntaxes: [need.transferSyntaxUid] }));
}

function toDeliveryError(destination: string, error: unknown): DeliveryError {
  if (error instanceof DeliveryError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const reason = ((): DeliveryFailureReason => {
    if (error instanceof PoolClosedError) return 'shutting-down';
    if (error instanceof AssociationRejectedError) return 'association-rejected';
    if (error instanceof AssociationAbortedError) return 'aborted';
    if (/no DIMSE response within/.test(message)) return 'timeout';
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== undefined || /timed out|connection closed during association negotiation|no A-ASSOCIATE/.test(message)) return 'unreachable';
    return 'aborted';
  })();
  return new DeliveryError(destination, reason, describe(reason, message));
}

function describe(reason: DeliveryFailureReason, message: string): string {
  switch (reason) {
    case 'unreachable':
      return `cannot open an association: ${message}`;
    case 'association-rejected':
      return `the association was rejected (PS3.8 Table 9-21): ${message}`;
    default:
      return message;
  }
}

function elapsedMs(started: bigint): number {
  return round(Number(process.hrtime.bigint() - started) / 1e6);
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
