import { AssociationProposal, AssociationContextLookup, compileListenerAcceptance, decideAssociation, supportedContextsOf } from './association-rules';
import { PresentationContextResult, RejectReason, RejectResult, RejectSource } from '../pdu/types';

const VERIFICATION = '1.2.840.10008.1.1';
const CT = '1.2.840.10008.5.1.4.1.1.2';
const MR = '1.2.840.10008.5.1.4.1.1.4';
const IMPLICIT = '1.2.840.10008.1.2';
const EXPLICIT = '1.2.840.10008.1.2.1';
const JPEG_BASELINE = '1.2.840.10008.1.2.4.50';
const JPEG_LOSSLESS = '1.2.840.10008.1.2.4.70';

/** An association store the way the registry answers: asynchronously, by (calling, called). */
function store(definitions: Array<{ callingAet: string; calledAet: string; contexts: Array<[string, string[]]> }>) {
  const asked: Array<[string, string]> = [];
  const lookup: AssociationContextLookup = async (calling, called) => {
    asked.push([calling, called]);
    const found = definitions.find((d) => d.callingAet === calling && d.calledAet === called);
    if (found) {
      return { found: true, contexts: supportedContextsOf(found.contexts.map(([abstractSyntax, transferSyntaxes]) => ({ abstractSyntax, transferSyntaxes }))) };
    }
    return { found: false, callingAetKnown: definitions.some((d) => d.callingAet === calling) };
  };
  return { lookup, asked };
}

const proposal = (callingAet: string, calledAet: string, presentationContexts = [{ id: 1, abstractSyntax: VERIFICATION, transferSyntaxes: [IMPLICIT] }]): AssociationProposal => ({
  callingAet,
  calledAet,
  applicationContextName: '1.2.840.10008.3.1.1.1',
  presentationContexts,
});

const registry = store([
  { callingAet: 'CT1', calledAet: 'ENS-SCP', contexts: [[VERIFICATION, [IMPLICIT]], [CT, [JPEG_LOSSLESS, EXPLICIT, IMPLICIT]]] },
  { callingAet: 'JD-SCU', calledAet: 'ENS-SCP', contexts: [[VERIFICATION, [EXPLICIT, IMPLICIT]]] },
]);

describe('decideAssociation: the shared rules of docs/architecture.md §4', () => {
  const listener = compileListenerAcceptance({ localAet: 'ENS-SCP', remoteAets: ['CT1', '?1"B".E/JD-SCU'] });

  describe('presentation contexts (PS3.8 Table 9-18)', () => {
    it.each([
      ['abstract syntax not in the association → 3', MR, [EXPLICIT], PresentationContextResult.AbstractSyntaxNotSupported, ''],
      ['no transfer syntax in common → 4', CT, [JPEG_BASELINE], PresentationContextResult.TransferSyntaxesNotSupported, ''],
      ["the registry's order wins over the proposer's", CT, [IMPLICIT, EXPLICIT, JPEG_LOSSLESS], PresentationContextResult.Acceptance, JPEG_LOSSLESS],
      ['the first of ours the proposer offers', CT, [IMPLICIT, EXPLICIT], PresentationContextResult.Acceptance, EXPLICIT],
    ])('%s', async (_name, abstractSyntax, transferSyntaxes, result, transferSyntax) => {
      const decision = await decideAssociation(proposal('CT1', 'ENS-SCP', [{ id: 3, abstractSyntax, transferSyntaxes }]), listener, registry.lookup);
      expect(decision).toEqual({ kind: 'accept', effectiveCallingAet: 'CT1', presentationContexts: [{ id: 3, result, transferSyntax }] });
    });

    it('answers every proposed context, keeping their ids', async () => {
      const decision = await decideAssociation(
        proposal('CT1', 'ENS-SCP', [
          { id: 1, abstractSyntax: VERIFICATION, transferSyntaxes: [EXPLICIT] },
          { id: 3, abstractSyntax: VERIFICATION, transferSyntaxes: [IMPLICIT] },
          { id: 5, abstractSyntax: CT, transferSyntaxes: [EXPLICIT] },
        ]),
        listener,
        registry.lookup,
      );
      expect(decision.kind === 'accept' && decision.presentationContexts.map((pc) => [pc.id, pc.result])).toEqual([
        [1, 4],
        [3, 0],
        [5, 0],
      ]);
    });
  });

  describe('RemoteAET patterns', () => {
    it('?1"B".E/JD-SCU: a calling AET of one B then anything is validated as JD-SCU', async () => {
      const { lookup, asked } = store([{ callingAet: 'JD-SCU', calledAet: 'ENS-SCP', contexts: [[VERIFICATION, [IMPLICIT]]] }]);
      const decision = await decideAssociation(proposal('BRAVO', 'ENS-SCP'), listener, lookup);
      expect(decision).toMatchObject({ kind: 'accept', effectiveCallingAet: 'JD-SCU' });
      expect(asked).toEqual([['JD-SCU', 'ENS-SCP']]);
    });

    it('?1"B".E/JD-SCU does not match a calling AET starting with another letter: reason 3', async () => {
      const decision = await decideAssociation(proposal('ABBA', 'ENS-SCP'), listener, registry.lookup);
      expect(decision).toMatchObject({
        kind: 'reject',
        rejection: { result: RejectResult.Permanent, source: RejectSource.ServiceUser, reason: RejectReason.CallingAeTitleNotRecognized },
      });
    });

    it('?.E accepts any calling AET, which then needs its own association', async () => {
      const any = compileListenerAcceptance({ localAet: 'ENS-SCP', remoteAets: ['?.E'] });
      expect(await decideAssociation(proposal('JD-SCU', 'ENS-SCP'), any, registry.lookup)).toMatchObject({ kind: 'accept', effectiveCallingAet: 'JD-SCU' });
      expect(await decideAssociation(proposal('STRANGER', 'ENS-SCP'), any, registry.lookup)).toMatchObject({ kind: 'reject', rejection: { reason: 3 } });
    });

    it('a called AET other than LocalAET: reason 7, without asking the store', async () => {
      const { lookup, asked } = store([]);
      expect(await decideAssociation(proposal('CT1', 'OTHER'), listener, lookup)).toMatchObject({ kind: 'reject', rejection: { result: 1, source: 1, reason: 7 } });
      expect(asked).toEqual([]);
    });

    it('a matching calling AET without an association: reason 3', async () => {
      const { lookup } = store([]);
      expect(await decideAssociation(proposal('CT1', 'ENS-SCP'), listener, lookup)).toMatchObject({ kind: 'reject', rejection: { reason: 3 } });
    });
  });

  describe('LocalAET and RemoteAET both *: the association store alone decides', () => {
    const open = compileListenerAcceptance({ localAet: '*', remoteAets: ['*'] });

    it('a defined (calling, called) pair is negotiated', async () => {
      expect(await decideAssociation(proposal('JD-SCU', 'ENS-SCP'), open, registry.lookup)).toMatchObject({ kind: 'accept', effectiveCallingAet: 'JD-SCU' });
    });

    it('an unknown calling AET: reason 3', async () => {
      expect(await decideAssociation(proposal('NOBODY', 'ENS-SCP'), open, registry.lookup)).toMatchObject({ kind: 'reject', rejection: { reason: 3 } });
    });

    it('a known calling AET calling an undefined called AET: reason 7', async () => {
      expect(await decideAssociation(proposal('JD-SCU', 'ELSEWHERE'), open, registry.lookup)).toMatchObject({ kind: 'reject', rejection: { reason: 7 } });
    });
  });

  it('rejects an application context other than DICOM with reason 2, without asking the store', async () => {
    const { lookup, asked } = store([]);
    const decision = await decideAssociation({ ...proposal('CT1', 'ENS-SCP'), applicationContextName: '1.2.3' }, listener, lookup);
    expect(decision).toMatchObject({ kind: 'reject', rejection: { reason: RejectReason.ApplicationContextNameNotSupported } });
    expect(asked).toEqual([]);
  });
});
