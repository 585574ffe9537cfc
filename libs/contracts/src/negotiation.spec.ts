import { parseNegotiateAssociationReply, parseNegotiateAssociationRequest, type NegotiateAssociationRequestV1 } from './negotiation';
import { COMMAND_SUBJECTS, EVENT_SUBJECT_PREFIX, NOTICE_SUBJECTS } from './subjects';

const request: NegotiateAssociationRequestV1 = {
  callingAet: 'JD-SCU',
  calledAet: 'ENS-SCP',
  applicationContextName: '1.2.840.10008.3.1.1.1',
  peer: { address: '127.0.0.1', port: 50000 },
  presentationContexts: [{ id: 1, abstractSyntax: '1.2.840.10008.1.1', transferSyntaxes: ['1.2.840.10008.1.2'] }],
  listener: { name: 'main', localAet: 'ENS-SCP', remoteAets: ['?1"B".E/JD-SCU'] },
};

describe('negotiation contract', () => {
  it('keeps the negotiation command and the registry notice out of the public event stream', () => {
    expect(COMMAND_SUBJECTS.negotiateAssociation).toBe('dicom.commands.association.negotiate.v1');
    expect(NOTICE_SUBJECTS.registryChanged).toBe('dicom.notices.registry.changed.v1');
    for (const subject of [COMMAND_SUBJECTS.negotiateAssociation, NOTICE_SUBJECTS.registryChanged]) {
      expect(subject.startsWith(`${EVENT_SUBJECT_PREFIX}.`)).toBe(false);
    }
  });

  it('accepts a well-formed request as it is', () => {
    expect(parseNegotiateAssociationRequest(JSON.parse(JSON.stringify(request)))).toEqual({ ok: true, value: request });
  });

  it('lists every problem of a malformed request', () => {
    const parsed = parseNegotiateAssociationRequest({ ...request, callingAet: 7, peer: { address: 'x', port: 70000 }, presentationContexts: [{ id: 0 }], listener: {} });
    expect(parsed).toEqual({
      ok: false,
      problems: [
        'callingAet must be a string',
        'peer must be { address: string, port: 0..65535 }',
        'presentationContexts[0] must be { id: 1..255, abstractSyntax: string, transferSyntaxes: string[] }',
        'listener must be { name: string, localAet: string, remoteAets: string[] }',
      ],
    });
    expect(parseNegotiateAssociationRequest('text')).toEqual({ ok: false, problems: ['the request must be a JSON object'] });
  });

  it.each([
    [{ outcome: 'accept', effectiveCallingAet: 'JD-SCU', presentationContexts: [{ id: 1, result: 0, transferSyntax: '1.2.840.10008.1.2' }] }, true],
    [{ outcome: 'accept', effectiveCallingAet: 'JD-SCU', presentationContexts: [{ id: 1, result: 9, transferSyntax: '' }] }, false],
    [{ outcome: 'reject', result: 1, source: 1, reason: 3, explanation: 'calling AE title unknown' }, true],
    [{ outcome: 'reject', result: 3, source: 1, reason: 3, explanation: '' }, false],
    [{ outcome: 'error', message: 'bad request' }, true],
    [{ outcome: 'maybe' }, false],
    [null, false],
  ])('reply %j is valid: %s', (reply, valid) => {
    expect(parseNegotiateAssociationReply(reply).ok).toBe(valid);
  });
});
