import {
  COMMAND_SUBJECTS,
  NOTICE_SUBJECTS,
  type NegotiateAssociationReplyV1,
  type NegotiateAssociationRequestV1,
  type RegistryChangedNoticeV1,
} from '@dicom-router/contracts';
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { createTestDatabase, startRegistry, tempDir, type RunningRegistry, type TestDatabase } from './__fixtures__/registry-server';

// The machine's NATS server (docs/architecture.md §7); a missing server fails the tests.
const NATS_URL = process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';

const VERIFICATION = '1.2.840.10008.1.1';
const CT = '1.2.840.10008.5.1.4.1.1.2';
const MR = '1.2.840.10008.5.1.4.1.1.4';
const IMPLICIT = '1.2.840.10008.1.2';
const EXPLICIT = '1.2.840.10008.1.2.1';
const JPEG_BASELINE = '1.2.840.10008.1.2.4.50';
const JPEG_LOSSLESS = '1.2.840.10008.1.2.4.70';

let pg: TestDatabase;
let dir: Awaited<ReturnType<typeof tempDir>>;
let api: RunningRegistry;
let nc: NatsConnection;
const notices: RegistryChangedNoticeV1[] = [];

beforeAll(async () => {
  pg = await createTestDatabase();
  dir = await tempDir();
  api = await startRegistry({ databaseUrl: pg.url, dataDir: dir.path, natsUrl: NATS_URL });
  nc = await connect({ servers: NATS_URL, name: 'registry-negotiation-spec' });
  nc.subscribe(NOTICE_SUBJECTS.registryChanged, { callback: (_err, msg) => notices.push(msg.json<RegistryChangedNoticeV1>()) });
  await nc.flush();
});

afterAll(async () => {
  await nc?.close();
  await api?.stop();
  await pg?.drop();
  await dir?.remove();
});

afterEach(async () => {
  await api.registry.database.run((m) => m.query('DELETE FROM association'));
});

function request(
  callingAet: string,
  calledAet: string,
  presentationContexts: NegotiateAssociationRequestV1['presentationContexts'] = [{ id: 1, abstractSyntax: VERIFICATION, transferSyntaxes: [IMPLICIT] }],
  listener: Partial<NegotiateAssociationRequestV1['listener']> = {},
): NegotiateAssociationRequestV1 {
  return {
    callingAet,
    calledAet,
    applicationContextName: '1.2.840.10008.3.1.1.1',
    peer: { address: '127.0.0.1', port: 40000 },
    presentationContexts,
    listener: { name: 'main', localAet: 'ENS-SCP', remoteAets: ['CT1', 'JD-SCU', '?1"B".E/JD-SCU'], ...listener },
  };
}

async function negotiate(body: unknown): Promise<NegotiateAssociationReplyV1> {
  const reply = await nc.request(COMMAND_SUBJECTS.negotiateAssociation, typeof body === 'string' ? body : JSON.stringify(body), { timeout: 5_000 });
  return reply.json<NegotiateAssociationReplyV1>();
}

async function create(callingAet: string, calledAet: string, contexts: Array<[string, string[]]>): Promise<string> {
  const response = await api.call('POST', '/api/v1/associations', {
    json: { name: `${callingAet} to ${calledAet}`, callingAet, calledAet, presentationContexts: contexts.map(([abstractSyntax, transferSyntaxes]) => ({ abstractSyntax, transferSyntaxes })) },
  });
  expect(response.status).toBe(201);
  return response.body.id as string;
}

async function waitForNotice(predicate: (n: RegistryChangedNoticeV1) => boolean): Promise<RegistryChangedNoticeV1> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const found = notices.find(predicate);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no such registry notice; got ${JSON.stringify(notices)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('negotiation over NATS (dicom.commands.association.negotiate.v1) against PostgreSQL', () => {
  it('answers with the rules of docs/architecture.md §4: 3, 4, and the registry order winning', async () => {
    await create('CT1', 'ENS-SCP', [
      [VERIFICATION, [IMPLICIT]],
      [CT, [JPEG_LOSSLESS, EXPLICIT, IMPLICIT]],
    ]);
    const reply = await negotiate(
      request('CT1', 'ENS-SCP', [
        { id: 1, abstractSyntax: VERIFICATION, transferSyntaxes: [EXPLICIT, IMPLICIT] },
        { id: 3, abstractSyntax: CT, transferSyntaxes: [IMPLICIT, EXPLICIT, JPEG_LOSSLESS] },
        { id: 5, abstractSyntax: MR, transferSyntaxes: [IMPLICIT] },
        { id: 7, abstractSyntax: CT, transferSyntaxes: [JPEG_BASELINE] },
      ]),
    );
    expect(reply).toEqual({
      outcome: 'accept',
      effectiveCallingAet: 'CT1',
      presentationContexts: [
        { id: 1, result: 0, transferSyntax: IMPLICIT },
        { id: 3, result: 0, transferSyntax: JPEG_LOSSLESS },
        { id: 5, result: 3, transferSyntax: '' },
        { id: 7, result: 4, transferSyntax: '' },
      ],
    });
  });

  it('validates ?1"B".E/JD-SCU as JD-SCU, and rejects an unknown calling AET (3) and a foreign called AET (7)', async () => {
    await create('JD-SCU', 'ENS-SCP', [[VERIFICATION, [IMPLICIT]]]);
    expect(await negotiate(request('BRAVO', 'ENS-SCP'))).toMatchObject({ outcome: 'accept', effectiveCallingAet: 'JD-SCU' });
    expect(await negotiate(request('ALPHA', 'ENS-SCP'))).toMatchObject({ outcome: 'reject', result: 1, source: 1, reason: 3 });
    expect(await negotiate(request('JD-SCU', 'OTHER-SCP'))).toMatchObject({ outcome: 'reject', result: 1, source: 1, reason: 7 });
    expect(await negotiate(request('STRANGER', 'ENS-SCP', undefined, { remoteAets: ['?.E'] }))).toMatchObject({ outcome: 'reject', reason: 3 });
    expect(await negotiate(request('JD-SCU', 'ENS-SCP', undefined, { remoteAets: ['?.E'] }))).toMatchObject({ outcome: 'accept' });
  });

  it('with LocalAET and RemoteAET both *, decides by the (calling, called) pair alone', async () => {
    await create('JD-SCU', 'ENS-SCP', [[VERIFICATION, [IMPLICIT]]]);
    const open = { localAet: '*', remoteAets: ['*'] };
    expect(await negotiate(request('JD-SCU', 'ENS-SCP', undefined, open))).toMatchObject({ outcome: 'accept', effectiveCallingAet: 'JD-SCU' });
    expect(await negotiate(request('NOBODY', 'ENS-SCP', undefined, open))).toMatchObject({ outcome: 'reject', reason: 3 });
    expect(await negotiate(request('JD-SCU', 'ANYWHERE', undefined, open))).toMatchObject({ outcome: 'reject', reason: 7 });
  });

  it('announces every committed change and answers from the new state at once', async () => {
    const id = await create('JD-SCU', 'ENS-SCP', [[VERIFICATION, [IMPLICIT]]]);
    await waitForNotice((n) => n.change === 'created' && n.callingAet === 'JD-SCU' && n.calledAet === 'ENS-SCP');
    expect(await negotiate(request('JD-SCU', 'ENS-SCP'))).toMatchObject({ outcome: 'accept' });

    const replaced = await api.call('PUT', `/api/v1/associations/${id}/presentation-contexts/${VERIFICATION}`, { json: { transferSyntaxes: [EXPLICIT] } });
    expect(replaced.status).toBeLessThan(300);
    await waitForNotice((n) => n.change === 'updated' && n.callingAet === 'JD-SCU');
    expect(await negotiate(request('JD-SCU', 'ENS-SCP'))).toMatchObject({ outcome: 'accept', presentationContexts: [{ id: 1, result: 4 }] });

    expect((await api.call('DELETE', `/api/v1/associations/${id}`)).status).toBe(204);
    await waitForNotice((n) => n.change === 'deleted' && n.callingAet === 'JD-SCU');
    expect(await negotiate(request('JD-SCU', 'ENS-SCP'))).toMatchObject({ outcome: 'reject', reason: 3 });
  });

  it('answers a malformed request with an error naming the problems, and keeps answering', async () => {
    expect(await negotiate('not json')).toEqual({ outcome: 'error', message: expect.stringContaining('the request must be a JSON object') });
    expect(await negotiate({ ...request('JD-SCU', 'ENS-SCP'), peer: null })).toEqual({ outcome: 'error', message: expect.stringContaining('peer must be') });
    expect(await negotiate(request('JD-SCU', 'ENS-SCP', undefined, { remoteAets: ['?1"B'] }))).toEqual({ outcome: 'error', message: expect.stringMatching(/^listener main: /) });
    expect(await negotiate(request('JD-SCU', 'ENS-SCP'))).toMatchObject({ outcome: 'reject', reason: 3 });
  });
});
