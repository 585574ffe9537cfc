import {
  ACTIONS,
  ACTION_NAMES,
  EVENTS,
  EVENT_MEANINGS,
  STATES,
  STATE_MEANINGS,
  initialState,
  transition,
  type UlEffect,
  type UlEffectKind,
  type UlEvent,
  type UlEventType,
  type UlState,
} from './index';

/**
 * PS3.8 §9.2.3 Table 9-10, transcribed again by hand as the standard prints it: one row per event,
 * one column per state, "." for a blank cell. It deliberately does not import TRANSITION_TABLE.
 */
const TABLE_9_10 = `
        Sta1  Sta2  Sta3  Sta4  Sta5  Sta6  Sta7  Sta8  Sta9  Sta10 Sta11 Sta12 Sta13
Evt1    AE-1  .     .     .     .     .     .     .     .     .     .     .     .
Evt2    .     .     .     AE-2  .     .     .     .     .     .     .     .     .
Evt3    .     AA-1  AA-8  .     AE-3  AA-8  AA-8  AA-8  AA-8  AA-8  AA-8  AA-8  AA-6
Evt4    .     AA-1  AA-8  .     AE-4  AA-8  AA-8  AA-8  AA-8  AA-8  AA-8  AA-8  AA-6
Evt5    AE-5  .     .     .     .     .     .     .     .     .     .     .     .
Evt6    .     AE-6  AA-8  .     AA-8  AA-8  AA-8  AA-8  AA-8  AA-8  AA-8  AA-8  AA-7
Evt7    .     .     AE-7  .     .     .     .     .     .     .     .     .     .
Evt8    .     .     AE-8  .     .     .     .     .     .     .     .     .     .
Evt9    .     .     .     .     .     DT-1  .     AR-7  .     .     .     .     .
Evt10   .     AA-1  AA-8  .     AA-8  DT-2  AR-6  AA-8  AA-8  AA-8  AA-8  AA-8  AA-6
Evt11   .     .     .     .     .     AR-1  .     .     .     .     .     .     .
Evt12   .     AA-1  AA-8  .     AA-8  AR-2  AR-8  AA-8  AA-8  AA-8  AA-8  AA-8  AA-6
Evt13   .     AA-1  AA-8  .     AA-8  AA-8  AR-3  AA-8  AA-8  AR-10 AR-3  AA-8  AA-6
Evt14   .     .     .     .     .     .     .     AR-4  AR-9  .     .     AR-4  .
Evt15   .     .     AA-1  AA-2  AA-1  AA-1  AA-1  AA-1  AA-1  AA-1  AA-1  AA-1  .
Evt16   .     AA-2  AA-3  .     AA-3  AA-3  AA-3  AA-3  AA-3  AA-3  AA-3  AA-3  AA-2
Evt17   .     AA-5  AA-4  AA-4  AA-4  AA-4  AA-4  AA-4  AA-4  AA-4  AA-4  AA-4  AR-5
Evt18   .     AA-2  .     .     .     .     .     .     .     .     .     .     AA-2
Evt19   .     AA-1  AA-8  .     AA-8  AA-8  AA-8  AA-8  AA-8  AA-8  AA-8  AA-8  AA-7
`;

/**
 * Next state and effect kinds of each action, from PS3.8 §9.2.2 Tables 9-6 to 9-9. Branching actions
 * show the branch the grid test takes: RQ acceptable, user-source abort, requestor side.
 */
const ACTION_OUTCOME: Record<string, [UlState, UlEffectKind[]]> = {
  'AE-1': ['Sta4', ['transport-connect']],
  'AE-2': ['Sta5', ['send-associate-rq']],
  'AE-3': ['Sta6', ['indicate']],
  'AE-4': ['Sta1', ['indicate', 'close-transport']],
  'AE-5': ['Sta2', ['transport-accept', 'start-artim']],
  'AE-6': ['Sta3', ['stop-artim', 'indicate']],
  'AE-7': ['Sta6', ['send-associate-ac']],
  'AE-8': ['Sta13', ['send-associate-rj', 'start-artim']],
  'DT-1': ['Sta6', ['send-pdata']],
  'DT-2': ['Sta6', ['indicate']],
  'AR-1': ['Sta7', ['send-release-rq']],
  'AR-2': ['Sta8', ['indicate']],
  'AR-3': ['Sta1', ['indicate', 'close-transport']],
  'AR-4': ['Sta13', ['send-release-rp', 'start-artim']],
  'AR-5': ['Sta1', ['stop-artim']],
  'AR-6': ['Sta7', ['indicate']],
  'AR-7': ['Sta8', ['send-pdata']],
  'AR-8': ['Sta9', ['indicate']],
  'AR-9': ['Sta11', ['send-release-rp']],
  'AR-10': ['Sta12', ['indicate']],
  'AA-1': ['Sta13', ['send-abort', 'start-artim']],
  'AA-2': ['Sta1', ['stop-artim', 'close-transport']],
  'AA-3': ['Sta1', ['indicate', 'close-transport']],
  'AA-4': ['Sta1', ['indicate']],
  'AA-5': ['Sta1', ['stop-artim']],
  'AA-6': ['Sta13', ['ignore']],
  'AA-7': ['Sta13', ['send-abort']],
  'AA-8': ['Sta13', ['send-abort', 'indicate', 'start-artim']],
};

/** The blank-cell policy documented in machine.ts, by state. */
function blankCellOutcome(state: UlState): [UlState, UlEffectKind[]] {
  if (state === 'Sta1') return ['Sta1', ['ignore']];
  if (state === 'Sta4') return ['Sta1', ['close-transport', 'indicate']];
  if (state === 'Sta13') return ['Sta13', ['ignore']];
  return ['Sta13', ['send-abort', 'indicate', 'start-artim']];
}

const REQUESTOR = { isRequestor: true };
const ACCEPTOR = { isRequestor: false };

function eventOf(type: UlEventType): UlEvent {
  switch (type) {
    case 'Evt6':
      return { type, acceptableToProvider: true };
    case 'Evt16':
      return { type, source: 0 };
    case 'Evt19':
      return { type, abortReason: 1 };
    default:
      return { type };
  }
}

interface Cell {
  event: string;
  state: string;
  action: string | null;
  /** The cell as printed, "blank" for ".", for test names. */
  cell: string;
}

function parseGrid(grid: string): Cell[] {
  const [header, ...rows] = grid.trim().split('\n').map((line) => line.trim().split(/\s+/));
  return rows.flatMap(([event, ...cells]) => {
    if (cells.length !== header.length) throw new Error(`row ${event} has ${cells.length} cells`);
    return cells.map((cell, i) =>
      cell === '.'
        ? { event, state: header[i], action: null, cell: 'blank' }
        : { event, state: header[i], action: cell, cell },
    );
  });
}

const cells = parseGrid(TABLE_9_10);
const kinds = (effects: UlEffect[]): UlEffectKind[] => effects.map((e) => e.kind);

describe('PS3.8 Table 9-10 transcription', () => {
  it('covers 19 events by 13 states in the standard order', () => {
    expect(cells).toHaveLength(13 * 19);
    expect([...new Set(cells.map((c) => c.state))]).toEqual([...STATES]);
    expect([...new Set(cells.map((c) => c.event))]).toEqual([...EVENTS]);
  });

  it('names only actions that exist, and uses every one of them', () => {
    const used = new Set(cells.flatMap((c) => (c.action ? [c.action] : [])));
    expect([...used].sort()).toEqual([...ACTION_NAMES].sort());
    expect(Object.keys(ACTION_OUTCOME).sort()).toEqual([...ACTION_NAMES].sort());
  });
});

describe.each(STATES)('%s', (state) => {
  const row = cells.filter((c) => c.state === state);

  it.each(row)('$event: $cell', ({ event, action }) => {
    const result = transition(state, eventOf(event as UlEventType), REQUESTOR);
    const [next, effectKinds] = action ? ACTION_OUTCOME[action] : blankCellOutcome(state);

    expect(result.action).toBe(action);
    expect(result.next).toBe(next);
    expect(kinds(result.effects)).toEqual(effectKinds);
  });
});

describe('branches', () => {
  it('AE-6: an acceptable A-ASSOCIATE-RQ is indicated to the user', () => {
    expect(transition('Sta2', { type: 'Evt6', acceptableToProvider: true }, ACCEPTOR)).toEqual({
      action: 'AE-6',
      next: 'Sta3',
      effects: [{ kind: 'stop-artim' }, { kind: 'indicate', primitive: 'A-ASSOCIATE-indication' }],
    });
  });

  it('AE-6: an A-ASSOCIATE-RQ the provider refuses is answered with A-ASSOCIATE-RJ and ARTIM', () => {
    expect(transition('Sta2', { type: 'Evt6', acceptableToProvider: false }, ACCEPTOR)).toEqual({
      action: 'AE-6',
      next: 'Sta13',
      effects: [{ kind: 'stop-artim' }, { kind: 'send-associate-rj' }, { kind: 'start-artim' }],
    });
  });

  it.each([
    [0, 'A-ABORT-indication'],
    [1, 'A-P-ABORT-indication'],
    [2, 'A-P-ABORT-indication'],
  ])('AA-3: an A-ABORT PDU with source %i gives %s', (source, primitive) => {
    expect(transition('Sta6', { type: 'Evt16', source }, ACCEPTOR)).toEqual({
      action: 'AA-3',
      next: 'Sta1',
      effects: [{ kind: 'indicate', primitive }, { kind: 'close-transport' }],
    });
  });

  it.each([
    [REQUESTOR, 'Sta9'],
    [ACCEPTOR, 'Sta10'],
  ])('AR-8: a release collision with %o goes to %s', (context, next) => {
    expect(transition('Sta7', { type: 'Evt12' }, context)).toEqual({
      action: 'AR-8',
      next,
      effects: [{ kind: 'indicate', primitive: 'A-RELEASE-indication-collision' }],
    });
  });

  it('only AR-8 depends on the role', () => {
    for (const { state, event, action } of cells) {
      if (action === 'AR-8') continue;
      const e = eventOf(event as UlEventType);
      expect(transition(state as UlState, e, ACCEPTOR)).toEqual(transition(state as UlState, e, REQUESTOR));
    }
  });

  it('AA-1 sends a service-user A-ABORT with reason 0, even for an invalid PDU in Sta2', () => {
    const userAbort = { kind: 'send-abort', source: 'service-user', reason: 0 };
    expect(transition('Sta6', { type: 'Evt15' }, REQUESTOR).effects[0]).toEqual(userAbort);
    expect(transition('Sta2', { type: 'Evt19', abortReason: 6 }, ACCEPTOR).effects[0]).toEqual(userAbort);
  });

  it('AA-8 reports the decoder diagnosis of an invalid PDU, and "unexpected-PDU" otherwise', () => {
    expect(transition('Sta6', { type: 'Evt19', abortReason: 6 }, ACCEPTOR).effects).toEqual([
      { kind: 'send-abort', source: 'service-provider', reason: 6 },
      { kind: 'indicate', primitive: 'A-P-ABORT-indication' },
      { kind: 'start-artim' },
    ]);
    expect(transition('Sta6', { type: 'Evt3' }, ACCEPTOR).effects[0]).toEqual({
      kind: 'send-abort',
      source: 'service-provider',
      reason: 2,
    });
  });

  it('AA-7 answers in Sta13 with a provider A-ABORT and nothing else', () => {
    expect(transition('Sta13', { type: 'Evt19', abortReason: 1 }, ACCEPTOR).effects).toEqual([
      { kind: 'send-abort', source: 'service-provider', reason: 1 },
    ]);
    expect(transition('Sta13', { type: 'Evt6', acceptableToProvider: true }, ACCEPTOR).effects).toEqual([
      { kind: 'send-abort', source: 'service-provider', reason: 2 },
    ]);
  });
});

describe('blank cells (unexpected events)', () => {
  it('connected: handled as AA-8 with reason 2, but reported as no action', () => {
    expect(transition('Sta6', { type: 'Evt7' }, ACCEPTOR)).toEqual({
      action: null,
      next: 'Sta13',
      effects: [
        { kind: 'send-abort', source: 'service-provider', reason: 2 },
        { kind: 'indicate', primitive: 'A-P-ABORT-indication' },
        { kind: 'start-artim' },
      ],
    });
  });

  it('Sta4: the pending connect is closed and the user gets A-P-ABORT', () => {
    expect(transition('Sta4', { type: 'Evt9' }, REQUESTOR)).toEqual({
      action: null,
      next: 'Sta1',
      effects: [{ kind: 'close-transport' }, { kind: 'indicate', primitive: 'A-P-ABORT-indication' }],
    });
  });

  it.each(['Sta1', 'Sta13'] as const)('%s: ignored, state unchanged', (state) => {
    expect(transition(state, { type: 'Evt15' }, REQUESTOR)).toEqual({
      action: null,
      next: state,
      effects: [{ kind: 'ignore' }],
    });
  });
});

describe('whole exchanges', () => {
  const run = (context: { isRequestor: boolean }, events: UlEvent[]): Array<[string | null, UlState]> => {
    let state = initialState();
    return events.map((event) => {
      const step = transition(state, event, context);
      state = step.next;
      return [step.action, state];
    });
  };

  it('requestor: associate, transfer, release', () => {
    expect(
      run(REQUESTOR, [
        { type: 'Evt1' },
        { type: 'Evt2' },
        { type: 'Evt3' },
        { type: 'Evt9' },
        { type: 'Evt10' },
        { type: 'Evt11' },
        { type: 'Evt13' },
      ]),
    ).toEqual([
      ['AE-1', 'Sta4'],
      ['AE-2', 'Sta5'],
      ['AE-3', 'Sta6'],
      ['DT-1', 'Sta6'],
      ['DT-2', 'Sta6'],
      ['AR-1', 'Sta7'],
      ['AR-3', 'Sta1'],
    ]);
  });

  it('acceptor: associate, peer releases, transport closes', () => {
    expect(
      run(ACCEPTOR, [
        { type: 'Evt5' },
        { type: 'Evt6', acceptableToProvider: true },
        { type: 'Evt7' },
        { type: 'Evt12' },
        { type: 'Evt14' },
        { type: 'Evt17' },
      ]),
    ).toEqual([
      ['AE-5', 'Sta2'],
      ['AE-6', 'Sta3'],
      ['AE-7', 'Sta6'],
      ['AR-2', 'Sta8'],
      ['AR-4', 'Sta13'],
      ['AR-5', 'Sta1'],
    ]);
  });

  it('release collision, requestor side: Sta7 -> Sta9 -> Sta11 -> Sta1', () => {
    const steps = run(REQUESTOR, [
      { type: 'Evt1' },
      { type: 'Evt2' },
      { type: 'Evt3' },
      { type: 'Evt11' },
      { type: 'Evt12' },
      { type: 'Evt14' },
      { type: 'Evt13' },
    ]);
    expect(steps.slice(3)).toEqual([
      ['AR-1', 'Sta7'],
      ['AR-8', 'Sta9'],
      ['AR-9', 'Sta11'],
      ['AR-3', 'Sta1'],
    ]);
  });

  it('release collision, acceptor side: Sta7 -> Sta10 -> Sta12 -> Sta13', () => {
    const steps = run(ACCEPTOR, [
      { type: 'Evt5' },
      { type: 'Evt6', acceptableToProvider: true },
      { type: 'Evt7' },
      { type: 'Evt11' },
      { type: 'Evt12' },
      { type: 'Evt13' },
      { type: 'Evt14' },
    ]);
    expect(steps.slice(3)).toEqual([
      ['AR-1', 'Sta7'],
      ['AR-8', 'Sta10'],
      ['AR-10', 'Sta12'],
      ['AR-4', 'Sta13'],
    ]);
  });
});

describe('purity and data', () => {
  it('returns fresh effect arrays, so callers cannot corrupt later results', () => {
    const first = transition('Sta6', { type: 'Evt3' }, ACCEPTOR);
    first.effects.length = 0;
    expect(transition('Sta6', { type: 'Evt3' }, ACCEPTOR).effects).toHaveLength(3);
    expect(ACTIONS['AA-8']({ type: 'Evt3' }, ACCEPTOR)).not.toBe(ACTIONS['AA-8']({ type: 'Evt3' }, ACCEPTOR));
  });

  it('names every state and event', () => {
    expect(Object.keys(STATE_MEANINGS)).toEqual([...STATES]);
    expect(Object.keys(EVENT_MEANINGS)).toEqual([...EVENTS]);
    expect(initialState()).toBe('Sta1');
  });
});
