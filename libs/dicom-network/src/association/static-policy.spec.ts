import { AssociateRqPdu, PresentationContextResult, RejectReason, RejectSource } from '../pdu/types';
import { StaticAssociationPolicy } from './static-policy';

const VERIFICATION = '1.2.840.10008.1.1';
const CT = '1.2.840.10008.5.1.4.1.1.2';
const IMPLICIT = '1.2.840.10008.1.2';
const EXPLICIT = '1.2.840.10008.1.2.1';
const JPEG_BASELINE = '1.2.840.10008.1.2.4.50';

function rq(calling: string, called: string, contexts = [{ id: 1, abstractSyntax: VERIFICATION, transferSyntaxes: [IMPLICIT] }]): AssociateRqPdu {
  return {
    type: 'A-ASSOCIATE-RQ',
    protocolVersion: 1,
    callingAeTitle: calling,
    calledAeTitle: called,
    applicationContextName: '1.2.840.10008.3.1.1.1',
    presentationContexts: contexts,
    userInformation: { maxPduLength: 16384 },
  };
}

const decide = (policy: StaticAssociationPolicy, pdu: AssociateRqPdu) =>
  policy.decide({ rq: pdu, peerAddress: '127.0.0.1', peerPort: 1, listenerName: 'main' });

const associations = [
  {
    callingAet: 'CT1',
    calledAet: 'DICOM-ROUTER',
    presentationContexts: [
      { abstractSyntax: VERIFICATION, transferSyntaxes: [EXPLICIT, IMPLICIT] },
      { abstractSyntax: CT, transferSyntaxes: [JPEG_BASELINE, EXPLICIT] },
    ],
  },
  { callingAet: 'JD-SCU', calledAet: 'DICOM-ROUTER', presentationContexts: [{ abstractSyntax: VERIFICATION, transferSyntaxes: [IMPLICIT] }] },
];

describe('StaticAssociationPolicy (docs/architecture.md §4)', () => {
  const policy = new StaticAssociationPolicy({ localAet: 'DICOM-ROUTER', remoteAets: ['CT1', '?1"B".E/JD-SCU'] }, associations);

  it('accepts with the first transfer syntax in our order that the requester proposed', async () => {
    const decision = await decide(
      policy,
      rq('CT1', 'DICOM-ROUTER', [
        { id: 1, abstractSyntax: VERIFICATION, transferSyntaxes: [IMPLICIT, EXPLICIT] },
        { id: 3, abstractSyntax: CT, transferSyntaxes: [EXPLICIT, JPEG_BASELINE] },
        { id: 5, abstractSyntax: '1.2.840.10008.5.1.4.1.1.4', transferSyntaxes: [IMPLICIT] },
        { id: 7, abstractSyntax: CT, transferSyntaxes: [IMPLICIT] },
      ]),
    );
    expect(decision).toEqual({
      kind: 'accept',
      effectiveCallingAet: 'CT1',
      presentationContexts: [
        { id: 1, result: PresentationContextResult.Acceptance, transferSyntax: EXPLICIT },
        { id: 3, result: PresentationContextResult.Acceptance, transferSyntax: JPEG_BASELINE },
        { id: 5, result: PresentationContextResult.AbstractSyntaxNotSupported, transferSyntax: '' },
        { id: 7, result: PresentationContextResult.TransferSyntaxesNotSupported, transferSyntax: '' },
      ],
    });
  });

  it('rejects an unknown called AE title with reason 7', async () => {
    const decision = await decide(policy, rq('CT1', 'OTHER'));
    expect(decision).toMatchObject({ kind: 'reject', rejection: { result: 1, source: RejectSource.ServiceUser, reason: RejectReason.CalledAeTitleNotRecognized } });
  });

  it('rejects a calling AE title outside the RemoteAET list with reason 3', async () => {
    const decision = await decide(policy, rq('CT2', 'DICOM-ROUTER'));
    expect(decision).toMatchObject({ kind: 'reject', rejection: { result: 1, source: 1, reason: RejectReason.CallingAeTitleNotRecognized } });
  });

  it('validates a pattern-matched calling AE title as its substitution', async () => {
    const decision = await decide(policy, rq('BRAVO', 'DICOM-ROUTER'));
    expect(decision).toMatchObject({ kind: 'accept', effectiveCallingAet: 'JD-SCU' });
  });

  it('rejects an application context other than DICOM (reason 2)', async () => {
    const pdu = { ...rq('CT1', 'DICOM-ROUTER'), applicationContextName: '1.2.3' };
    expect(await decide(policy, pdu)).toMatchObject({ kind: 'reject', rejection: { reason: RejectReason.ApplicationContextNameNotSupported } });
  });

  describe('LocalAET and RemoteAET both *: the association contexts decide', () => {
    const open = new StaticAssociationPolicy({ localAet: '*', remoteAets: ['*'] }, associations);

    it('accepts a defined (calling, called) pair', async () => {
      expect(await decide(open, rq('CT1', 'DICOM-ROUTER'))).toMatchObject({ kind: 'accept' });
    });

    it('rejects an undefined calling AE title with reason 3', async () => {
      expect(await decide(open, rq('NOBODY', 'DICOM-ROUTER'))).toMatchObject({ kind: 'reject', rejection: { reason: 3 } });
    });

    it('rejects a known calling AE title addressing an undefined called AE title with reason 7', async () => {
      expect(await decide(open, rq('CT1', 'ELSEWHERE'))).toMatchObject({ kind: 'reject', rejection: { reason: 7 } });
    });
  });
});
