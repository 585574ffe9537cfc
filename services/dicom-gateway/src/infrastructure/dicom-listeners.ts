import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import type { Socket } from 'node:net';
import {
  AssociationObserver,
  ConnectionBudget,
  ConnectionGate,
  type ConnectionRefusal,
  DicomListenerSocket,
  DicomServiceProvider,
  StaticAssociationPolicy,
  statusCategory,
} from '@dicom-router/dicom-network';
import { randomUUID } from 'node:crypto';
import { AssociationEvents } from '../application/association-events';
import { VerificationService } from '../application/verification.service';
import { GatewaySettings, ListenerSettings } from '../gateway-settings';
import { GATEWAY_SETTINGS, LOGGER } from '../tokens';
import { DurableEvents } from './durable-events';
import { GatewayMetrics } from './gateway-metrics';
import { RegistryNegotiation } from './negotiation/registry-negotiation';
import { StoreInstances } from './store-instances';
import { SyncRouting, type SyncRouteRequest } from './routing/sync-routing';
import { WorklistQueries } from './worklist-queries/worklist-queries';
import { Logger } from '@dicom-router/service-runtime';

const REFUSAL_TEXT: Record<ConnectionRefusal, string> = {
  'listener-full': 'the listener holds its maximum of open connections',
  'peer-full': 'this peer address holds its maximum of open connections',
  'budget-exhausted': "the process's connection budget (DICOM_CONNECTION_BUDGET) is used up",
};

interface RunningListener {
  settings: ListenerSettings;
  provider: DicomServiceProvider;
  sockets: DicomListenerSocket[];
}

/** Opens every configured listener (plain and TLS) and closes them gracefully on SIGTERM. */
@Injectable()
export class DicomListeners implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly running: RunningListener[] = [];
  private accepting = false;

  constructor(
    @Inject(GATEWAY_SETTINGS) private readonly settings: GatewaySettings,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly verification: VerificationService,
    private readonly metrics: GatewayMetrics,
    private readonly durableEvents: DurableEvents,
    private readonly storeInstances: StoreInstances,
    private readonly registryNegotiation: RegistryNegotiation,
    private readonly worklistQueries: WorklistQueries,
    private readonly syncRouting: SyncRouting,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // One budget for every listener of the process: descriptors are a process resource.
    const budget = new ConnectionBudget(this.settings.connectionBudget);
    for (const listener of this.settings.listeners) {
      const provider = this.createProvider(listener);
      const gate = new ConnectionGate(listener, budget);
      const onRefused = this.refusalReporter(listener);
      const accept = (socket: Socket, acceptedAt: number) => provider.handleConnection(socket, acceptedAt);
      const common = { host: listener.bindAddress, backlog: listener.acceptQueueSize, artimMs: listener.artimMs, gate, onRefused };
      const sockets = [new DicomListenerSocket({ ...common, port: listener.port }, accept)];
      if (listener.tls) sockets.push(new DicomListenerSocket({ ...common, port: listener.tls.port, tls: listener.tls.files }, accept));
      for (const socket of sockets) await socket.listen();
      this.running.push({ settings: listener, provider, sockets });
      this.logger.info(
        {
          listener: listener.name,
          port: listener.port,
          tlsPort: listener.tls?.port,
          bind: listener.bindAddress,
          localAet: listener.localAet,
          negotiation: listener.negotiation,
        },
        'DICOM listener accepting associations',
      );
    }
    this.accepting = true;
  }

  /** SIGTERM: stop accepting, let open associations finish until the deadline, then A-ABORT. */
  async beforeApplicationShutdown(): Promise<void> {
    this.accepting = false;
    this.logger.info({ graceMs: this.settings.shutdownGraceMs }, 'shutting down DICOM listeners');
    for (const r of this.running) for (const s of r.sockets) s.stopAccepting();
    await Promise.all(this.running.map((r) => r.provider.drain(this.settings.shutdownGraceMs)));
    for (const r of this.running) for (const s of r.sockets) s.destroyAll();
  }

  status(): { accepting: boolean; listeners: Array<{ name: string; port: number; activeAssociations: number }> } {
    return {
      accepting: this.accepting,
      listeners: this.running.map((r) => ({
        name: r.settings.name,
        port: r.settings.port,
        activeAssociations: r.provider.activeAssociations,
      })),
    };
  }

  private createProvider(listener: ListenerSettings): DicomServiceProvider {
    const production = this.settings.production;
    const store = this.storeInstances.create(listener.duplicateInstancePolicy);
    const routes = this.routesOf(listener);
    return new DicomServiceProvider({
      listenerName: listener.name,
      policy:
        listener.negotiation === 'registry'
          ? this.registryNegotiation.policyFor(listener)
          : new StaticAssociationPolicy(listener, production.associations),
      handlers: {
        onCEcho: () => this.verification.verify(),
        onCStore: async (request, dataSet) => {
          const outcome = await store.execute({
            association: {
              id: request.association.id,
              listener: listener.name,
              callingAet: request.association.callingAet,
              calledAet: request.association.calledAet,
            },
            source: 'association',
            sourceApplicationEntityTitle: request.association.callingAet,
            sopClassUid: request.command.affectedSopClassUid,
            sopInstanceUid: request.command.affectedSopInstanceUid,
            transferSyntaxUid: request.context.transferSyntax,
            dataSet,
          });
          if (outcome.stored) {
            this.logger.info(
              { listener: listener.name, associationId: request.association.id, sopInstanceUid: request.command.affectedSopInstanceUid, key: outcome.stored.key, size: outcome.stored.size },
              'instance stored',
            );
          }
          if (!routes) return outcome;
          // docs/architecture.md §5, sync listener: Success only once every matching destination confirmed.
          const routed = await this.syncRouting.route({
            outcome,
            sopClassUid: request.command.affectedSopClassUid,
            sopInstanceUid: request.command.affectedSopInstanceUid,
            transferSyntaxUid: request.context.transferSyntax,
            source: 'association',
            association: {
              id: request.association.id,
              callingAet: request.association.callingAet,
              calledAet: request.association.calledAet,
              peerAddress: request.association.peerAddress,
            },
            ...routes,
          });
          return routed.response;
        },
        ...this.worklistQueries.handlers(listener),
      },
      implementation: production.implementation,
      maxPduLength: listener.maxPduLength,
      maxAssociations: listener.maxAssociations,
      artimMs: listener.artimMs,
      txtimMs: listener.txtimMs,
      traceVerbosity: listener.traceVerbosity,
      observer: this.observer(listener),
    });
  }

  /**
   * Counts every refused connection; logs the first of each reason, then at most one line per reason
   * every 10 s with how many were refused meanwhile, so that a flood cannot flood the log too.
   */
  private refusalReporter(listener: ListenerSettings): (peer: { address: string }, refusal: ConnectionRefusal) => void {
    const log = this.logger.child({ listener: listener.name });
    const quiet = new Map<ConnectionRefusal, { until: number; suppressed: number }>();
    return (peer, refusal) => {
      this.metrics.refusedConnections.labels(listener.name, refusal).inc();
      const now = Date.now();
      const window = quiet.get(refusal);
      if (window && now < window.until) {
        window.suppressed++;
        return;
      }
      quiet.set(refusal, { until: now + 10_000, suppressed: 0 });
      log.warn(
        { peer: peer.address, reason: refusal, refusedSinceLastLine: window?.suppressed ?? 0, maxConnections: listener.maxConnections, maxConnectionsPerPeer: listener.maxConnectionsPerPeer },
        `connection refused: ${REFUSAL_TEXT[refusal]}`,
      );
    };
  }

  /** A sync listener with a target: the routes every instance is handed to, and how to answer. */
  private routesOf(listener: ListenerSettings): Pick<SyncRouteRequest, 'routes' | 'timeoutMs' | 'noRouteStatus'> | undefined {
    const config = this.settings.production.listeners.find((l) => l.name === listener.name);
    if (!config || config.mode !== 'sync' || config.target === undefined) return undefined;
    return {
      routes: typeof config.target === 'string' ? [config.target] : [...config.target],
      timeoutMs: config.routeTimeoutSeconds * 1000,
      noRouteStatus: config.noRouteStatus,
    };
  }

  /** Association trace as structured log lines (trace verbosity 0: lifecycle, 1: +DIMSE, 2: +PDUs). */
  private observer(listener: ListenerSettings): AssociationObserver {
    const log = this.logger.child({ listener: listener.name });
    const events = new AssociationEvents({ publish: (event) => this.durableEvents.tell(event) }, listener.name, (err, key) =>
      log.warn({ err: err instanceof Error ? err.message : String(err), event: key }, 'association event not published'),
    );
    const gauge = this.metrics.activeAssociations.labels(listener.name);
    const count = (outcome: string) => this.metrics.associations.labels(listener.name, outcome).inc();
    return {
      accepted: (info) => {
        count('accepted');
        gauge.inc();
        events.accepted(info);
        log.info(
          {
            associationId: info.id,
            callingAet: info.callingAet,
            calledAet: info.calledAet,
            peer: `${info.peerAddress}:${info.peerPort}`,
            peerImplementation: info.peerImplementationClassUid,
            acceptedContexts: info.contexts.size,
            ...(listener.traceVerbosity >= 1
              ? { contexts: [...info.contexts.values()].map((c) => `${c.id}:${c.abstractSyntax}/${c.transferSyntax}`) }
              : {}),
          },
          'association accepted',
        );
      },
      rejected: (rq, peer, rejection) => {
        count('rejected');
        events.rejected(randomUUID(), rq, peer, rejection);
        log.warn(
          {
            callingAet: rq.callingAeTitle,
            calledAet: rq.calledAeTitle,
            peer: `${peer.address}:${peer.port}`,
            result: rejection.result,
            source: rejection.source,
            reason: rejection.reason,
          },
          `association rejected: ${rejection.explanation}`,
        );
      },
      released: (info) => {
        count('released');
        gauge.dec();
        events.released(info);
        log.info({ associationId: info.id }, 'association released');
      },
      aborted: (info, abort, peer) => {
        count('aborted');
        if (info) {
          gauge.dec();
          events.aborted(info, abort);
        }
        log.warn(
          { associationId: info?.id, peer: `${peer.address}:${peer.port}`, by: abort.by, source: abort.source, reason: abort.reason },
          `association aborted: ${abort.message}`,
        );
      },
      message: (info, direction, command) => {
        if (direction === 'out' && 'status' in command) {
          this.metrics.dimseRequests.labels(listener.name, command.commandField, statusCategory(command.status)).inc();
        }
        if (listener.traceVerbosity >= 1) {
          log.info({ associationId: info.id, direction, command }, `DIMSE ${direction} ${command.commandField}`);
        }
      },
      pdu: (peer, direction, pdu) => log.info({ peer: `${peer.address}:${peer.port}`, direction, pdu }, `PDU ${direction} ${pdu.type}`),
      handlerError: (info, error) => log.error({ associationId: info.id, err: error }, 'DIMSE handler failed'),
    };
  }
}
