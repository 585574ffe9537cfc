import { makeEvent, type CloudEventJson, type RouteDeliveryV1, type RouteInstanceCommandV1, type RouteVerdictV1 } from '@dicom-router/contracts';
import { parseAttributeName, RuleSet, type InstanceFacts, type RuleDefinition } from '@dicom-router/routing-rules';
import { DeliveryError, type DeliveryResult, type InstanceSender } from './instance-sender';

/** Time kept back from the command's deadline for the verdict to travel back to the requester. */
export const VERDICT_MARGIN_MS = 250;

/** Makes a delivery event durable (bus or outbox) or rejects. */
export interface DeliveryAnnouncer {
  announce(event: CloudEventJson): Promise<void>;
}

export interface RouteInstanceOptions {
  /** CloudEvents `source` of the delivery events. */
  eventSource: string;
  /** A delivery event that could not be announced: logged by the caller, the verdict stands. */
  onAnnounceError(error: unknown, event: CloudEventJson): void;
}

/** The verdict, and the announcements of the delivery events (they settle after the verdict, never reject). */
export interface RoutedInstance {
  verdict: RouteVerdictV1;
  announced: Promise<void>;
}

/**
 * One stored instance through the synchronous routes (docs/architecture.md §3, storage-router; the engine's
 * Dispatcher → Filers → Operations): evaluate the requested routes on the instance's facts, send it
 * to every destination of every matching route in parallel (each over its own destination pool),
 * and answer one verdict once all answered or the command's deadline passed. Each delivery that
 * settles is announced as `dicom.events.delivery.succeeded.v1` / `.failed.v1`, a late one too, so
 * the events say what happened at each destination, not what the modality was told.
 */
export class RouteInstanceUseCase {
  private readonly rules: RuleSet;
  private readonly known: ReadonlySet<string>;

  /** `routes` were compiled when the production was loaded; a bad one cannot reach here. */
  constructor(
    routes: readonly RuleDefinition[],
    private readonly sender: InstanceSender,
    private readonly events: DeliveryAnnouncer,
    private readonly options: RouteInstanceOptions,
  ) {
    this.rules = RuleSet.compile(routes);
    this.known = new Set(routes.map((r) => r.name));
  }

  async execute(command: RouteInstanceCommandV1, attempt = 1): Promise<RoutedInstance> {
    const base = { commandId: command.commandId, sopInstanceUid: command.instance.sopInstanceUid };
    const reject = (error: string): RoutedInstance => ({
      verdict: { ...base, outcome: 'rejected', matchedRoutes: [], deliveries: [], error },
      announced: Promise.resolve(),
    });
    const unknown = command.routes.filter((name) => !this.known.has(name));
    if (unknown.length > 0) return reject(`no route is named ${unknown.map((n) => JSON.stringify(n)).join(', ')}`);
    let facts: InstanceFacts;
    try {
      facts = factsOf(command);
    } catch (error) {
      return reject((error as Error).message);
    }

    const verdicts = this.rules.evaluate(facts).filter((v) => command.routes.includes(v.rule));
    const undecided = verdicts.find((v) => 'error' in v);
    if (undecided && 'error' in undecided) {
      // routing-rules: an undecidable rule fails the instance rather than silently skipping its destinations.
      return {
        verdict: { ...base, outcome: 'failed', matchedRoutes: [], deliveries: [], error: `route ${undecided.rule} cannot be decided: ${undecided.error}` },
        announced: Promise.resolve(),
      };
    }
    const matched = verdicts.filter((v) => v.matched);
    const destinations = [...new Set(matched.flatMap((v) => v.destinations))];
    const matchedRoutes = matched.map((v) => v.rule);
    if (destinations.length === 0) {
      return { verdict: { ...base, outcome: 'no-route', matchedRoutes, deliveries: [] }, announced: Promise.resolve() };
    }

    // Answer a little before the deadline, so that the verdict naming the slow destination reaches
    // the requester before its own timer gives up with a verdict-less A700H.
    const remainingMs = Math.max(0, Date.parse(command.deadline) - Date.now() - VERDICT_MARGIN_MS);
    const announcements: Promise<void>[] = [];
    const deliveries = await Promise.all(
      destinations.map((destination) => {
        const settled = this.deliver(destination, command, attempt);
        announcements.push(settled.then((delivery) => this.announce(delivery, command)));
        return withDeadline(settled, remainingMs, (): RouteDeliveryV1 => ({
          destination,
          outcome: 'failure',
          status: null,
          errorComment: null,
          reason: 'timeout',
          attempt,
        }));
      }),
    );
    const outcome = deliveries.every((d) => d.outcome !== 'failure') ? 'delivered' : 'failed';
    return {
      verdict: { ...base, outcome, matchedRoutes, deliveries },
      announced: Promise.all(announcements).then(() => undefined),
    };
  }

  /** Never rejects: a delivery without a C-STORE-RSP is a failure with its reason. */
  private async deliver(destination: string, command: RouteInstanceCommandV1, attempt: number): Promise<RouteDeliveryV1> {
    let result: DeliveryResult;
    try {
      result = await this.sender.sendStoredInstance(destination, command.instance.storageKey, {
        sopClassUid: command.instance.sopClassUid,
        transferSyntaxUid: command.instance.transferSyntaxUid,
      });
    } catch (error) {
      if (error instanceof DeliveryError) {
        return { destination, outcome: 'failure', status: null, errorComment: error.message, reason: error.reason, attempt };
      }
      return { destination, outcome: 'failure', status: null, errorComment: describe(error), reason: 'aborted', attempt };
    }
    return {
      destination,
      outcome: result.outcome,
      status: result.status,
      errorComment: result.errorComment ?? null,
      ...(result.outcome === 'failure' ? { reason: 'failure-status' as const } : {}),
      attempt,
    };
  }

  private async announce(delivery: RouteDeliveryV1, command: RouteInstanceCommandV1): Promise<void> {
    const data = {
      sopInstanceUid: command.instance.sopInstanceUid,
      destination: delivery.destination,
      status: delivery.status,
      errorComment: delivery.errorComment,
      attempt: delivery.attempt,
      sha256: command.instance.sha256,
    };
    const event = makeEvent(delivery.outcome === 'failure' ? 'deliveryFailed' : 'deliverySucceeded', data, {
      source: this.options.eventSource,
    });
    try {
      await this.events.announce(event);
    } catch (error) {
      this.options.onAnnounceError(error, event);
    }
  }
}

/** The facts a condition reads (routing-rules), from the command's instance. */
function factsOf(command: RouteInstanceCommandV1): InstanceFacts {
  const instance = command.instance;
  const attributes = new Map<number, { value: string }>();
  for (const [name, value] of Object.entries(instance.attributes ?? {})) {
    if (typeof value !== 'string') throw new Error(`attribute ${name} is not text`);
    attributes.set(parseAttributeName(name), { value });
  }
  return {
    callingAet: instance.callingAet,
    calledAet: instance.calledAet,
    peerAddress: instance.peerAddress,
    source: instance.source,
    sopClassUid: instance.sopClassUid,
    sopInstanceUid: instance.sopInstanceUid,
    transferSyntaxUid: instance.transferSyntaxUid,
    attributes,
  };
}

/** `work`'s value, or `late()` once `ms` passed first (the work goes on; its outcome is still announced). */
function withDeadline<T>(work: Promise<T>, ms: number, late: () => T): Promise<T> {
  return new Promise<T>((resolve) => {
    const timer = setTimeout(() => resolve(late()), ms);
    void work.then((value) => {
      clearTimeout(timer);
      resolve(value);
    });
  });
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
