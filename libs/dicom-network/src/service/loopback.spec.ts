import { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { StaticAssociationPolicy } from '../association/static-policy';
import { Status } from '../dimse';
import { DicomListenerSocket } from '../transport/server';
import {
  AssociationRejectedError,
  ClientAssociation,
  DicomClient,
  EXPLICIT_VR_LITTLE_ENDIAN,
  IMPLICIT_VR_LITTLE_ENDIAN,
  VERIFICATION_SOP_CLASS,
} from './client';
import { DimseFailure, DimseServiceHandlers } from './handlers';
import { DicomServiceProvider } from './service-provider';

const CT = '1.2.840.10008.5.1.4.1.1.2';
const MWL = '1.2.840.10008.5.1.4.31';
const implementation = { classUid: '2.25.100030543585475866236183110513822956206', versionName: 'TEST_1' };

interface Harness {
  port: number;
  provider: DicomServiceProvider;
  close(): Promise<void>;
}

async function startProvider(handlers: DimseServiceHandlers, overrides: { maxAssociations?: number; maxPduLength?: number } = {}): Promise<Harness> {
  const provider = new DicomServiceProvider({
    listenerName: 'test',
    policy: new StaticAssociationPolicy({ localAet: 'ROUTER', remoteAets: ['SCU'] }, [
      {
        callingAet: 'SCU',
        calledAet: 'ROUTER',
        presentationContexts: [
          { abstractSyntax: VERIFICATION_SOP_CLASS, transferSyntaxes: [EXPLICIT_VR_LITTLE_ENDIAN, IMPLICIT_VR_LITTLE_ENDIAN] },
          { abstractSyntax: CT, transferSyntaxes: [EXPLICIT_VR_LITTLE_ENDIAN] },
          { abstractSyntax: MWL, transferSyntaxes: [EXPLICIT_VR_LITTLE_ENDIAN] },
        ],
      },
    ]),
    handlers,
    implementation,
    maxPduLength: overrides.maxPduLength ?? 16384,
    maxAssociations: overrides.maxAssociations ?? 10,
    artimMs: 2000,
    txtimMs: 5000,
    traceVerbosity: 0,
  });
  const socket = new DicomListenerSocket({ port: 0, host: '127.0.0.1', backlog: 16, artimMs: 5000 }, (s) => provider.handleConnection(s));
  const address: AddressInfo = await socket.listen();
  return {
    port: address.port,
    provider,
    close: async () => {
      socket.stopAccepting();
      await provider.drain(100);
      socket.destroyAll();
    },
  };
}

function connect(port: number, calledAet = 'ROUTER', callingAet = 'SCU'): Promise<ClientAssociation> {
  return DicomClient.connect({
    host: '127.0.0.1',
    port,
    connectTimeoutMs: 2000,
    callingAet,
    calledAet,
    implementation,
    maxPduLength: 8192,
    presentationContexts: [
      { abstractSyntax: VERIFICATION_SOP_CLASS, transferSyntaxes: [IMPLICIT_VR_LITTLE_ENDIAN] },
      { abstractSyntax: CT, transferSyntaxes: [EXPLICIT_VR_LITTLE_ENDIAN] },
      { abstractSyntax: MWL, transferSyntaxes: [EXPLICIT_VR_LITTLE_ENDIAN] },
    ],
  });
}

describe('service provider and client over loopback sockets', () => {
  let harness: Harness | null = null;
  afterEach(async () => {
    await harness?.close();
    harness = null;
  });

  it('answers C-ECHO with success and releases in order', async () => {
    harness = await startProvider({});
    const association = await connect(harness.port);
    expect(association.info.peerMaxPduLength).toBe(16384);
    expect(association.info.peerImplementationClassUid).toBe(implementation.classUid);
    for (let i = 0; i < 20; i++) expect((await association.echo()).status).toBe(Status.Success);
    await association.release();
    await association.closed();
  });

  it('rejects an unknown called AE title with A-ASSOCIATE-RJ reason 7', async () => {
    harness = await startProvider({});
    await expect(connect(harness.port, 'ELSEWHERE')).rejects.toMatchObject({
      rj: { result: 1, source: 1, reason: 7 },
    });
    await expect(connect(harness.port, 'ROUTER', 'STRANGER')).rejects.toBeInstanceOf(AssociationRejectedError);
  });

  it('rejects beyond the maximum number of associations (transient, local limit exceeded)', async () => {
    harness = await startProvider({}, { maxAssociations: 1 });
    const first = await connect(harness.port);
    await expect(connect(harness.port)).rejects.toMatchObject({ rj: { result: 2, source: 3, reason: 2 } });
    await first.release();
  });

  it('streams a C-STORE data set larger than many PDUs to the handler, in order and with backpressure', async () => {
    const size = 3 * 1024 * 1024 + 17;
    const payload = Buffer.alloc(size);
    for (let i = 0; i < size; i++) payload[i] = (i * 31) & 0xff;
    let received: Buffer | null = null;
    let chunksSeen = 0;
    harness = await startProvider({
      onCStore: async (request, dataSet) => {
        expect(request.command.affectedSopInstanceUid).toBe('1.2.3.4');
        const parts: Buffer[] = [];
        for await (const chunk of dataSet) {
          chunksSeen++;
          parts.push(chunk as Buffer);
          await new Promise((r) => setTimeout(r, 1)); // a slow writer
        }
        received = Buffer.concat(parts);
        return { status: Status.Success };
      },
    });
    const association = await connect(harness.port);
    const context = association.contextFor(CT)!;
    const response = await association.request(
      context.id,
      {
        commandField: 'C-STORE-RQ',
        messageId: association.allocateMessageId(),
        affectedSopClassUid: CT,
        affectedSopInstanceUid: '1.2.3.4',
        priority: 0,
        hasDataSet: true,
      },
      Readable.from([payload.subarray(0, 1_000_000), payload.subarray(1_000_000)]),
    );
    expect(response.command).toMatchObject({ commandField: 'C-STORE-RSP', status: Status.Success, affectedSopInstanceUid: '1.2.3.4' });
    expect(received!.equals(payload)).toBe(true);
    expect(chunksSeen).toBeGreaterThan(3); // delivered as it arrived, not as one buffer
    await association.release();
  });

  it('maps a domain failure to its DIMSE status with an Error Comment', async () => {
    harness = await startProvider({
      onCStore: async (_request, dataSet) => {
        dataSet.resume();
        throw new DimseFailure(Status.OutOfResources, 'storage unavailable');
      },
    });
    const association = await connect(harness.port);
    const response = await association.request(
      association.contextFor(CT)!.id,
      { commandField: 'C-STORE-RQ', messageId: 7, affectedSopClassUid: CT, affectedSopInstanceUid: '1.2.3.5', priority: 0, hasDataSet: true },
      Buffer.alloc(1000),
    );
    expect(response.command).toMatchObject({ status: Status.OutOfResources, errorComment: 'storage unavailable', messageIdBeingRespondedTo: 7 });
    await association.release();
  });

  it('streams C-FIND pending responses and ends with Cancel after C-CANCEL', async () => {
    harness = await startProvider({
      onCFind: async (_request, _identifier, responder) => {
        for (let i = 0; i < 1000 && !responder.signal.aborted; i++) {
          await responder.pending(Buffer.from([0x10, 0x00, 0x10, 0x00, 0x02, 0x00, 0x00, 0x00, 0x41, 0x20]));
          await new Promise((r) => setTimeout(r, 1));
        }
        return { status: Status.Success };
      },
    });
    const association = await connect(harness.port);
    const contextId = association.contextFor(MWL)!.id;
    let pending = 0;
    const messageId = association.allocateMessageId();
    const final = await association.request(
      contextId,
      { commandField: 'C-FIND-RQ', messageId, affectedSopClassUid: MWL, priority: 0, hasDataSet: true },
      Buffer.from([0x10, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00]),
      async (rsp) => {
        pending++;
        rsp.dataSet?.resume();
        if (pending === 3) {
          await association['association'].send(contextId, { commandField: 'C-CANCEL-RQ', messageIdBeingRespondedTo: messageId, hasDataSet: false });
        }
      },
    );
    expect(pending).toBeGreaterThanOrEqual(3);
    expect(pending).toBeLessThan(1000);
    expect(final.command).toMatchObject({ commandField: 'C-FIND-RSP', status: Status.Cancel });
    await association.release();
  });

  it('surfaces a peer abort mid data set as a stream error, never a truncated success', async () => {
    let failure: unknown = null;
    let seenBytes = 0;
    harness = await startProvider({
      onCStore: async (_request, dataSet) => {
        try {
          for await (const chunk of dataSet) seenBytes += (chunk as Buffer).length;
        } catch (err) {
          failure = err;
          throw err;
        }
        return { status: Status.Success };
      },
    });
    const association = await connect(harness.port);
    const endless = new Readable({ read() { this.push(Buffer.alloc(64 * 1024)); } });
    const request = association.request(
      association.contextFor(CT)!.id,
      { commandField: 'C-STORE-RQ', messageId: 1, affectedSopClassUid: CT, affectedSopInstanceUid: '1.2.3.6', priority: 0, hasDataSet: true },
      endless,
    );
    request.catch(() => undefined);
    await new Promise((r) => setTimeout(r, 200));
    association.abort();
    await association.closed();
    await new Promise((r) => setTimeout(r, 100));
    expect(seenBytes).toBeGreaterThan(0);
    expect(failure).toBeInstanceOf(Error);
    endless.destroy();
  });
});
