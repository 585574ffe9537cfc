import { parseRouteCommand } from './parse-route-command';

const good = {
  commandId: 'c-1',
  instance: {
    storageKey: 'studies/1/2/3.dcm',
    sha256: 'ab',
    sopClassUid: '1.2.840.10008.5.1.4.1.1.2',
    sopInstanceUid: '1.2.3',
    transferSyntaxUid: '1.2.840.10008.1.2.1',
    callingAet: 'STORESCU',
    calledAet: 'ROUTER',
    peerAddress: '127.0.0.1',
    source: 'association',
    attributes: { '00080060': 'CT' },
  },
  routes: ['ct'],
  deadline: '2030-01-01T00:00:00.000Z',
  replyTo: '_INBOX.route.x.c-1',
};

describe('parseRouteCommand', () => {
  it('accepts a well-formed command as it is', () => {
    expect(parseRouteCommand(JSON.stringify(good))).toEqual({ ok: true, value: good });
  });

  it('names every problem, and keeps the reply subject so the requester still hears why', () => {
    const bad = { ...good, routes: [], deadline: 'soon', instance: { ...good.instance, storageKey: '', attributes: [] } };
    expect(parseRouteCommand(JSON.stringify(bad))).toEqual({
      ok: false,
      problems: [
        'deadline must be an ISO 8601 time',
        'routes must be a non-empty list of route names',
        'instance.storageKey must be a non-empty string',
        'instance.attributes must be an object',
      ],
      commandId: 'c-1',
      replyTo: '_INBOX.route.x.c-1',
    });
  });

  it('refuses bytes that are not a JSON object', () => {
    expect(parseRouteCommand('nope')).toMatchObject({ ok: false, problems: [expect.stringMatching(/^not JSON/)] });
    expect(parseRouteCommand('[1]')).toEqual({ ok: false, problems: ['not a JSON object'] });
  });
});
