import { Status, statusCategory } from './status';

describe('statusCategory (PS3.7 Annex C)', () => {
  it.each([
    [Status.Success, 'success'],
    [Status.Pending, 'pending'],
    [Status.PendingWarning, 'pending'],
    [Status.Cancel, 'cancel'],
    [Status.Warning, 'warning'],
    [Status.AttributeListError, 'warning'],
    [Status.AttributeValueOutOfRange, 'warning'],
    [Status.CoercionOfDataElements, 'warning'],
    [Status.ElementsDiscarded, 'warning'],
    [Status.DataSetDoesNotMatchSopClassWarning, 'warning'],
    [0xb123, 'warning'],
    [Status.OutOfResources, 'failure'],
    [0xa7ff, 'failure'],
    [Status.DataSetDoesNotMatchSopClass, 'failure'],
    [Status.CannotUnderstand, 'failure'],
    [0xc123, 'failure'],
    [Status.ProcessingFailure, 'failure'],
    [Status.DuplicateSopInstance, 'failure'],
    [Status.SopClassNotSupported, 'failure'],
    [Status.DuplicateInvocation, 'failure'],
    [Status.UnrecognizedOperation, 'failure'],
    [Status.MistypedArgument, 'failure'],
    [Status.ResourceLimitation, 'failure'],
  ])('%s is %s', (status, category) => {
    expect(statusCategory(status)).toBe(category);
  });

  it('never takes an unknown code for success', () => {
    expect(statusCategory(0x1234)).toBe('failure');
    expect(statusCategory(0xfe01)).toBe('failure');
  });
});
