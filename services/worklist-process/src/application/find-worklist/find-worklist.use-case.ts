import { Inject, Injectable } from '@nestjs/common';
import {
  buildQuery,
  FindStatus,
  IdentifierError,
  matchItem,
  type MatchOptions,
  type WorklistFinder,
  type WorklistFindMessage,
  type WorklistFindRequest,
  type WorklistQuery,
} from '@dicom-router/worklist';
import { FIND_SETTINGS } from '../../tokens';
import type { FindSettings } from '../find-settings';
import { WORKLIST_ITEMS, type WorklistItems } from '../worklist-items.port';

/** Candidates read per database round trip; each page is matched and streamed before the next. */
const PAGE_SIZE = 200;

/**
 * Answers one Modality Worklist C-FIND (PS3.4 K.4.1.3): indexed keys narrow the candidates in the
 * database, the exact PS3.4 C.2.2.2 match decides, and each match is yielded as soon as it is made.
 */
@Injectable()
export class FindWorklist implements WorklistFinder {
  constructor(
    @Inject(WORKLIST_ITEMS) private readonly items: WorklistItems,
    @Inject(FIND_SETTINGS) private readonly settings: FindSettings,
  ) {}

  async *find(request: WorklistFindRequest, signal: AbortSignal): AsyncGenerator<WorklistFindMessage> {
    let query: WorklistQuery;
    try {
      query = buildQuery(request.identifier);
    } catch (err) {
      if (err instanceof IdentifierError) {
        yield { kind: 'done', status: err.kind === 'malformed' ? FindStatus.UnableToProcess : FindStatus.IdentifierDoesNotMatchSopClass, matchCount: 0, errorComment: err.message };
        return;
      }
      throw err;
    }
    const options: MatchOptions = { caseInsensitivePersonNames: this.settings.caseInsensitivePersonNames };
    const { maxMatches, overLimitPolicy } = this.settings;
    if (overLimitPolicy === 'refuse' && (await this.items.countCandidates(query, options)) > maxMatches) {
      // The candidates are a superset; only the exact count may refuse the query.
      const exact = await this.countMatches(query, options, maxMatches + 1, signal);
      if (signal.aborted) return yield cancelled(0);
      if (exact > maxMatches) {
        yield { kind: 'done', status: FindStatus.OutOfResources, matchCount: 0, errorComment: `more than ${maxMatches} items match; narrow the query` };
        return;
      }
    }
    // PS3.4 C.4.1.1.4: FF01H tells the SCU that some of its optional keys were not matched on.
    const status = query.unsupportedKeys.length ? FindStatus.PendingWarning : FindStatus.Pending;
    let matchCount = 0;
    let after: string | undefined;
    do {
      const page = await this.items.candidates(query, options, after, PAGE_SIZE);
      for (const row of page.rows) {
        if (signal.aborted) return yield cancelled(matchCount);
        const identifier = matchItem(row.attributes, query, options);
        if (!identifier) continue;
        if (matchCount === maxMatches) return yield { kind: 'done', status: FindStatus.Success, matchCount };
        matchCount += 1;
        yield { kind: 'match', identifier, status };
      }
      after = page.after;
    } while (after !== undefined && !signal.aborted);
    yield signal.aborted ? cancelled(matchCount) : { kind: 'done', status: FindStatus.Success, matchCount };
  }

  private async countMatches(query: WorklistQuery, options: MatchOptions, stopAt: number, signal: AbortSignal): Promise<number> {
    let count = 0;
    let after: string | undefined;
    do {
      const page = await this.items.candidates(query, options, after, 1000);
      for (const row of page.rows) if (matchItem(row.attributes, query, options)) count += 1;
      after = page.after;
    } while (after !== undefined && count < stopAt && !signal.aborted);
    return count;
  }
}

function cancelled(matchCount: number): WorklistFindMessage {
  return { kind: 'done', status: FindStatus.Cancel, matchCount };
}
