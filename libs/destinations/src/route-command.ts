import { randomUUID } from 'node:crypto';
import type { RouteInstanceCommandV1 } from '@dicom-router/contracts';

export interface RouteCommandInput {
  storageKey: string;
  sha256: string;
  sopClassUid: string;
  sopInstanceUid: string;
  transferSyntaxUid: string;
  callingAet?: string;
  calledAet?: string;
  peerAddress?: string;
  source: string;
  /** Leading attributes by tag (`(group << 16) | element`), as the store path read them. */
  attributes: ReadonlyMap<number, { readonly value: string }>;
  routes: readonly string[];
  timeoutMs: number;
  replyTo: string;
}

/** A route command for one stored instance; attributes travel by tag (`ggggeeee`), private ones too. */
export function routeCommandFor(input: RouteCommandInput, now = Date.now()): RouteInstanceCommandV1 {
  const attributes: Record<string, string> = {};
  for (const [tag, { value }] of input.attributes) {
    if (value !== '') attributes[(tag >>> 0).toString(16).padStart(8, '0')] = value;
  }
  return {
    commandId: randomUUID(),
    instance: {
      storageKey: input.storageKey,
      sha256: input.sha256,
      sopClassUid: input.sopClassUid,
      sopInstanceUid: input.sopInstanceUid,
      transferSyntaxUid: input.transferSyntaxUid,
      callingAet: input.callingAet ?? '',
      calledAet: input.calledAet ?? '',
      peerAddress: input.peerAddress ?? '',
      source: input.source,
      attributes,
    },
    routes: [...input.routes],
    deadline: new Date(now + input.timeoutMs).toISOString(),
    replyTo: input.replyTo,
  };
}
