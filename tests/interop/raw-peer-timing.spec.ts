/**
 * The raw peer's timing steps against DCMTK, which gateway hostile specs rely on. Also pins down
 * a DCMTK behaviour worth knowing when comparing: storescp's -ta is a per-read timeout, so an idle
 * connection is dropped after it, but a peer that dribbles bytes is never cut off.
 */
import { startStorescp, type StorescpPeer } from '../support/dcmtk';
import { stopAll } from '../support/processes';
import { echoAssociateRq, expectPdu, expectSilence, PduType, scriptedPeer, sendSlowly } from '../support/raw-peer';

afterAll(() => stopAll());

describe('raw peer timing against storescp -ta 1', () => {
  let scp: StorescpPeer;
  beforeAll(async () => {
    // A later -ta wins over the helper's default of 10 s.
    scp = await startStorescp({ aet: 'SLOWSCP', extraArgs: ['-ta', '1'] });
  });
  afterAll(() => scp?.stop());

  it('sendSlowly delivers the exact bytes: a dribbled A-ASSOCIATE-RQ is still accepted', async () => {
    const rq = echoAssociateRq('SLOWPEER', scp.aet);
    const t = await scriptedPeer(scp.port, [sendSlowly(rq, 100, 10_000), expectPdu(PduType.AssociateAc, 3000)]);
    expect(t.failures).toEqual([]);
    expect(t.steps[0].detail).toBe(`sent ${rq.length} of ${rq.length} bytes`);
    // ~100 B/s: the last byte left after about length/100 seconds, well past the 1 s -ta.
    expect(t.pdus[0].atMs).toBeGreaterThan((rq.length / 100) * 1000 - 500);
  });

  it('expectSilence fails once the server closes an idle connection, and says when', async () => {
    const t = await scriptedPeer(scp.port, [expectSilence(8000)]);
    expect(t.ok).toBe(false);
    expect(t.failures[0]).toMatch(/server closed/);
    expect(t.closedAtMs).toBeGreaterThanOrEqual(900);
    expect(t.closedAtMs).toBeLessThan(3000);
  });
});
