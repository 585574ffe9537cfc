import { decodeFindControl, decodeFindReply, decodeFindRequest, encodeWire } from './find-wire';

describe('worklist find wire messages', () => {
  it('round-trips a request, replies and control messages', () => {
    const request = { v: 1 as const, queryId: 'q-1', credit: 64, identifier: { '00100010': { vr: 'PN' } }, associationId: 'a', callingAet: 'CT01', calledAet: 'DICOM-ROUTER' };
    expect(decodeFindRequest(encodeWire(request))).toEqual(request);
    expect(decodeFindReply(encodeWire({ kind: 'match', identifier: {}, status: 0xff00 }))).toEqual({ kind: 'match', identifier: {}, status: 0xff00 });
    expect(decodeFindReply(encodeWire({ kind: 'done', status: 0xa700, matchCount: 0, errorComment: 'x' }))).toEqual({ kind: 'done', status: 0xa700, matchCount: 0, errorComment: 'x' });
    expect(decodeFindControl(encodeWire({ kind: 'credit', n: 32 }))).toEqual({ kind: 'credit', n: 32 });
  });

  it('refuses what is not a message of the protocol', () => {
    expect(() => decodeFindRequest(Buffer.from('{"v":2}'))).toThrow(/version/);
    expect(() => decodeFindRequest(Buffer.from('{"v":1,"queryId":"a.b>","identifier":{}}'))).toThrow(/queryId/);
    expect(() => decodeFindReply(Buffer.from('[]'))).toThrow();
    expect(() => decodeFindControl(Buffer.from('{"kind":"credit","n":-1}'))).toThrow();
  });
});
