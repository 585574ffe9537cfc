/**
 * Hostile and malformed input from a scripted raw-socket peer. Each case must end in A-ABORT or a
 * close within the timers (ARTIM 2 s, TXTIM 3 s here), the gateway must stay up and keep serving,
 * and its RSS must grow by less than 50 MB over the whole suite.
 */
import { DicomClient, Status, VERIFICATION_SOP_CLASS, IMPLICIT_VR_LITTLE_ENDIAN } from '@dicom-router/dicom-network';
import { startGateway, type GatewayHandle } from '../support/gateway';
import {
  abortPdu,
  cEchoRq,
  echoAssociateRq,
  endInput,
  expectClose,
  expectPdu,
  pDataTf,
  pdu,
  pduHeader,
  PduType,
  releaseRq,
  scriptedPeer,
  send,
  sendSlowly,
  type Step,
  type Transcript,
  wait,
} from '../support/raw-peer';

const ARTIM_MS = 2000;
const TXTIM_MS = 3000;
const MAX_PDU = 16384;
/** Timers fire on a busy event loop and the close travels back: allow this much on top. */
const SLACK_MS = 1500;

const production = {
  listeners: [
    {
      name: 'main',
      localAet: 'DICOM-ROUTER',
      remoteAets: ['HOSTILE', 'CHECKER'],
      artimTimeoutSeconds: ARTIM_MS / 1000,
      txtimTimeoutSeconds: TXTIM_MS / 1000,
      maxPduLength: MAX_PDU,
    },
  ],
  associations: ['HOSTILE', 'CHECKER'].map((calling) => ({
    name: calling,
    callingAet: calling,
    calledAet: 'DICOM-ROUTER',
    presentationContexts: [{ abstractSyntax: VERIFICATION_SOP_CLASS, transferSyntaxes: [IMPLICIT_VR_LITTLE_ENDIAN] }],
  })),
};

const associate = echoAssociateRq('HOSTILE', 'DICOM-ROUTER');
/** An established association: send the A-ASSOCIATE-RQ and read the AC. */
const established: Step[] = [send(associate), expectPdu(PduType.AssociateAc, 3000)];

describe('hostile peers against the gateway', () => {
  let gateway: GatewayHandle;
  let rssBefore: number;

  beforeAll(async () => {
    gateway = await startGateway({ production });
    // Warm up once so the baseline includes what a first association allocates.
    await echoOnce();
    rssBefore = gateway.rssBytes();
  });

  afterAll(async () => {
    await gateway?.stop();
  });

  async function echoOnce(): Promise<void> {
    const association = await DicomClient.connect({
      host: '127.0.0.1',
      port: gateway.dicomPort,
      connectTimeoutMs: 3000,
      callingAet: 'CHECKER',
      calledAet: 'DICOM-ROUTER',
      implementation: { classUid: '2.25.100030543585475866236183110513822956206', versionName: 'HOSTILE_TEST' },
      presentationContexts: [{ abstractSyntax: VERIFICATION_SOP_CLASS, transferSyntaxes: [IMPLICIT_VR_LITTLE_ENDIAN] }],
    });
    expect((await association.echo()).status).toBe(Status.Success);
    await association.release();
  }

  /**
   * The peer must have seen an A-ABORT and then the close. On an established association an invalid
   * PDU is AA-8 (provider source, with the reason); before association (Sta2) PS3.8 Table 9-10 gives
   * AA-1, which sends a service-user-source A-ABORT with reason 0.
   */
  function expectAborted(t: Transcript, abort?: { source: number; reason: number }): void {
    expect({ failures: t.failures, summary: t.failures.length ? t.summary : '' }).toEqual({ failures: [], summary: '' });
    const received = t.pdus.find((p) => p.type === PduType.Abort);
    expect(received).toBeDefined();
    if (abort) expect(received?.abort).toEqual(abort);
    expect(t.serverClosed).toBe(true);
  }
  const sta2Abort = { source: 0, reason: 0 };
  const providerAbort = (reason: number) => ({ source: 2, reason });

  afterEach(async () => {
    // After every hostile case the listener still serves a well-behaved peer.
    await echoOnce();
  });

  it('PDU length FFFFFFFFH: A-ABORT at once (Sta2, AA-1), nothing allocated', async () => {
    const t = await scriptedPeer(gateway.dicomPort, [send(pduHeader(PduType.AssociateRq, 0xffffffff)), expectPdu(PduType.Abort, 1000), expectClose(ARTIM_MS + SLACK_MS)]);
    expectAborted(t, sta2Abort);
  });

  it('A-ASSOCIATE-RQ over the 64 KiB cap: A-ABORT before the body is read', async () => {
    const t = await scriptedPeer(gateway.dicomPort, [
      send(pduHeader(PduType.AssociateRq, 64 * 1024 + 1)),
      send(Buffer.alloc(1024)),
      expectPdu(PduType.Abort, 1000),
      expectClose(ARTIM_MS + SLACK_MS),
    ]);
    expectAborted(t, sta2Abort);
  });

  it('P-DATA-TF over our maximum PDU length: A-P-ABORT', async () => {
    const t = await scriptedPeer(gateway.dicomPort, [
      ...established,
      send(pduHeader(PduType.PData, MAX_PDU + 1)),
      expectPdu(PduType.Abort, 1000),
      expectClose(ARTIM_MS + SLACK_MS),
    ]);
    expectAborted(t, providerAbort(6));
  });

  it('a PDV item length under 2: A-P-ABORT', async () => {
    const body = Buffer.alloc(5);
    body.writeUInt32BE(1, 0); // item length 1: no room for context id + control header
    body[4] = 1;
    const t = await scriptedPeer(gateway.dicomPort, [...established, send(pdu(PduType.PData, body)), expectPdu(PduType.Abort, 1000), expectClose(ARTIM_MS + SLACK_MS)]);
    expectAborted(t, providerAbort(6));
  });

  it('a PDV item length past the end of its PDU: A-P-ABORT', async () => {
    const body = Buffer.alloc(10);
    body.writeUInt32BE(1000, 0);
    body[4] = 1;
    body[5] = 0x03;
    const t = await scriptedPeer(gateway.dicomPort, [...established, send(pdu(PduType.PData, body)), expectPdu(PduType.Abort, 1000), expectClose(ARTIM_MS + SLACK_MS)]);
    expectAborted(t, providerAbort(6));
  });

  it('an unknown PDU type before association: A-ABORT (Sta2, AA-1)', async () => {
    const t = await scriptedPeer(gateway.dicomPort, [send(pdu(0x09, Buffer.alloc(4))), expectPdu(PduType.Abort, 1000), expectClose(ARTIM_MS + SLACK_MS)]);
    expectAborted(t, sta2Abort);
  });

  it('an unknown PDU type on an established association: A-P-ABORT (unrecognized PDU)', async () => {
    const t = await scriptedPeer(gateway.dicomPort, [...established, send(pdu(0x7f, Buffer.alloc(8))), expectPdu(PduType.Abort, 1000), expectClose(ARTIM_MS + SLACK_MS)]);
    expectAborted(t, providerAbort(1));
  });

  it('a truncated PDU followed by silence: closed by ARTIM', async () => {
    const t = await scriptedPeer(gateway.dicomPort, [send(associate.subarray(0, 40)), expectClose(ARTIM_MS + SLACK_MS)]);
    expect(t.failures).toEqual([]);
    expect(t.closedAtMs!).toBeGreaterThanOrEqual(ARTIM_MS - 100);
  });

  it('a truncated PDU and a half-close: the connection is closed', async () => {
    const t = await scriptedPeer(gateway.dicomPort, [send(associate.subarray(0, 40)), endInput(), expectClose(ARTIM_MS + SLACK_MS)]);
    expect(t.failures).toEqual([]);
  });

  it('a truncated P-DATA on an established association followed by silence: aborted by TXTIM', async () => {
    const echo = cEchoRq(1, 1);
    const t = await scriptedPeer(gateway.dicomPort, [...established, send(echo.subarray(0, 12)), expectPdu(PduType.Abort, TXTIM_MS + SLACK_MS), expectClose(ARTIM_MS + SLACK_MS)]);
    expectAborted(t);
  });

  it('P-DATA before any association: A-ABORT (PS3.8 Sta2 + Evt10 → AA-1)', async () => {
    const t = await scriptedPeer(gateway.dicomPort, [send(cEchoRq(1, 1)), expectPdu(PduType.Abort, 1000), expectClose(ARTIM_MS + SLACK_MS)]);
    expect(t.failures).toEqual([]);
    expect(t.serverClosed).toBe(true);
  });

  it('A-RELEASE-RQ before any association: A-ABORT', async () => {
    const t = await scriptedPeer(gateway.dicomPort, [send(releaseRq()), expectPdu(PduType.Abort, 1000), expectClose(ARTIM_MS + SLACK_MS)]);
    expect(t.failures).toEqual([]);
  });

  it('a second A-ASSOCIATE-RQ on an established association: A-P-ABORT (unexpected PDU)', async () => {
    const t = await scriptedPeer(gateway.dicomPort, [...established, send(associate), expectPdu(PduType.Abort, 1000), expectClose(ARTIM_MS + SLACK_MS)]);
    expectAborted(t, providerAbort(2));
  });

  it('a data PDV on a presentation context that was never accepted: aborted', async () => {
    const t = await scriptedPeer(gateway.dicomPort, [
      ...established,
      send(pDataTf([{ contextId: 5, command: true, last: true, data: Buffer.alloc(8) }])),
      expectPdu(PduType.Abort, 1000),
      expectClose(ARTIM_MS + SLACK_MS),
    ]);
    expect(t.failures).toEqual([]);
  });

  it('garbage inside a command set: aborted, never answered as if valid', async () => {
    const t = await scriptedPeer(gateway.dicomPort, [
      ...established,
      send(pDataTf([{ contextId: 1, command: true, last: true, data: Buffer.from('00000000ffffffff0102', 'hex') }])),
      expectPdu(PduType.Abort, 1000),
      expectClose(ARTIM_MS + SLACK_MS),
    ]);
    expect(t.failures).toEqual([]);
  });

  it('a connection that sends nothing: closed by ARTIM', async () => {
    const t = await scriptedPeer(gateway.dicomPort, [expectClose(ARTIM_MS + SLACK_MS)]);
    expect(t.failures).toEqual([]);
    expect(t.closedAtMs!).toBeGreaterThanOrEqual(ARTIM_MS - 100);
  });

  it('an A-ASSOCIATE-RQ trickled at 1 byte per second: closed by ARTIM', async () => {
    const t = await scriptedPeer(gateway.dicomPort, [sendSlowly(associate, 1, ARTIM_MS + SLACK_MS + 1000), expectClose(1000)]);
    expect(t.serverClosed).toBe(true);
    expect(t.closedAtMs!).toBeLessThan(ARTIM_MS + SLACK_MS);
    expect(t.pdus.some((p) => p.type === PduType.AssociateAc)).toBe(false);
  });

  it('a P-DATA-TF trickled at 1 byte per second on an established association: aborted by TXTIM', async () => {
    const t = await scriptedPeer(gateway.dicomPort, [...established, sendSlowly(cEchoRq(1, 1), 1, TXTIM_MS + SLACK_MS + 1000), expectClose(ARTIM_MS + SLACK_MS)]);
    expect(t.serverClosed).toBe(true);
    expect(t.pdus.some((p) => p.type === PduType.Abort)).toBe(true);
    expect(t.closedAtMs!).toBeLessThan(3000 + TXTIM_MS + ARTIM_MS + SLACK_MS);
  });

  it('an established association left silent: aborted by TXTIM', async () => {
    const t = await scriptedPeer(gateway.dicomPort, [...established, expectPdu(PduType.Abort, TXTIM_MS + SLACK_MS), expectClose(ARTIM_MS + SLACK_MS)]);
    expect(t.failures).toEqual([]);
  });

  it('a peer A-ABORT mid-association is accepted quietly and the connection closes', async () => {
    const t = await scriptedPeer(gateway.dicomPort, [...established, send(abortPdu(0, 0)), expectClose(ARTIM_MS + SLACK_MS)]);
    expect(t.failures).toEqual([]);
    await gateway.waitForLog((r) => r.msg === 'association aborted: A-ABORT received from peer');
  });

  it('many hostile connections in a row: process up, RSS growth under 50 MB for the whole suite', async () => {
    const bursts: Array<Promise<Transcript>> = [];
    for (let i = 0; i < 100; i++) {
      bursts.push(scriptedPeer(gateway.dicomPort, [send(pduHeader(PduType.AssociateRq, 0xffffffff)), expectClose(ARTIM_MS + SLACK_MS)]));
      bursts.push(scriptedPeer(gateway.dicomPort, [...established, send(pduHeader(PduType.PData, MAX_PDU)), send(Buffer.alloc(MAX_PDU - 100)), wait(10)]));
    }
    const transcripts = await Promise.all(bursts);
    expect(transcripts.every((t) => t.connected)).toBe(true);
    await new Promise((r) => setTimeout(r, TXTIM_MS + SLACK_MS));
    const growth = gateway.rssBytes() - rssBefore;
    expect(growth).toBeLessThan(50 * 1024 * 1024);
    expect(gateway.process.running).toBe(true);
  });
});
