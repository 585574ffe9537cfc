/**
 * production.yaml after validation, with every default of ./schema.json applied and AE titles trimmed.
 * Field documentation lives in the schema (one place, published); these types mirror it.
 */

export type ListenerMode = 'sync' | 'async';
export type TraceVerbosity = 0 | 1 | 2;
export type OverLimitPolicy = 'refuse' | 'truncate';
export type AfterStore = 'move' | 'delete';
export type DuplicateInstancePolicy = 'overwrite' | 'reject' | 'keep-first';
export type NegotiationSource = 'static' | 'registry';
/** What a sync listener answers when no route matches an instance. */
export type NoRouteStatus = 'success' | 'failure';

export interface ImplementationConfig {
  readonly classUid: string;
  readonly versionName: string;
}

export interface ListenerTlsConfig {
  readonly enabled: boolean;
  /** Present whenever `enabled` is true. */
  readonly port?: number;
}

export interface ListenerConfig {
  readonly name: string;
  readonly port: number;
  readonly bindAddress: string;
  /** A trimmed AE title, or `*`. */
  readonly localAet: string;
  /** Literal AE titles (trimmed), `*`, or `?Pattern[/Substitution]` entries, as written. */
  readonly remoteAets: readonly string[];
  /** A route (sync) or filer (async) name, or a list of them. */
  readonly target?: string | readonly string[];
  readonly mode: ListenerMode;
  readonly noRouteStatus: NoRouteStatus;
  readonly routeTimeoutSeconds: number;
  readonly artimTimeoutSeconds: number;
  readonly txtimTimeoutSeconds: number;
  readonly maxAssociations: number;
  /** Absent: twice maxAssociations. */
  readonly maxConnections?: number;
  /** Absent: maxAssociations. */
  readonly maxConnectionsPerPeer?: number;
  readonly acceptQueueSize: number;
  readonly maxPduLength: number;
  readonly tls: ListenerTlsConfig;
  readonly traceVerbosity: TraceVerbosity;
  readonly duplicateInstancePolicy: DuplicateInstancePolicy;
  readonly negotiation: NegotiationSource;
}

export interface DestinationConfig {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly callingAet: string;
  readonly calledAet: string;
  readonly tls: boolean;
  readonly connectTimeoutSeconds: number;
  readonly dimseTimeoutSeconds: number;
  readonly maxAssociations: number;
  readonly idleTimeoutSeconds: number;
  readonly preferredTransferSyntaxes: readonly string[];
}

export interface RouteConfig {
  readonly name: string;
  readonly condition: string;
  readonly destinations: readonly string[];
}

export interface FilerConfig {
  readonly name: string;
  readonly condition: string;
  readonly destination: string;
  readonly retryCount: number;
  readonly backoffSeconds: number;
  readonly removeCompletedEntries: boolean;
}

export interface FileIntakeConfig {
  readonly name: string;
  readonly path: string;
  readonly fileSpec: string;
  readonly target?: string;
  readonly afterStore: AfterStore;
  /** Present whenever `afterStore` is `move`. */
  readonly archivePath?: string;
  readonly errorPath?: string;
  readonly scanIntervalSeconds: number;
  readonly settleSeconds: number;
}

export interface WorklistConfig {
  readonly maxMatches: number;
  readonly overLimitPolicy: OverLimitPolicy;
  /** Person Name keys match regardless of case (PS3.4 C.2.2.2.1 leaves it to the SCP). */
  readonly caseInsensitivePersonNames: boolean;
}

export interface PresentationContextConfig {
  readonly abstractSyntax: string;
  /** Most preferred first. */
  readonly transferSyntaxes: readonly string[];
}

export interface AssociationConfig {
  readonly name: string;
  readonly description?: string;
  readonly callingAet: string;
  readonly calledAet: string;
  readonly presentationContexts: readonly PresentationContextConfig[];
}

export interface ProductionConfig {
  readonly implementation: ImplementationConfig;
  readonly listeners: readonly ListenerConfig[];
  readonly destinations: readonly DestinationConfig[];
  readonly routes: readonly RouteConfig[];
  readonly filers: readonly FilerConfig[];
  readonly fileIntakes: readonly FileIntakeConfig[];
  readonly worklist: WorklistConfig;
  readonly associations: readonly AssociationConfig[];
}
