import type { RouteInstanceCommandV1 } from '@dicom-router/contracts';

export type ParsedRouteCommand =
  | { ok: true; value: RouteInstanceCommandV1 }
  | { ok: false; problems: string[]; commandId?: string; replyTo?: string };

const INSTANCE_TEXT = ['storageKey', 'sha256', 'sopClassUid', 'sopInstanceUid', 'transferSyntaxUid', 'callingAet', 'calledAet', 'peerAddress', 'source'] as const;

/** Structural check of a route command (libs/contracts/src/routing.ts); every problem is named. */
export function parseRouteCommand(text: string): ParsedRouteCommand {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, problems: [`not JSON: ${(error as Error).message}`] };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return { ok: false, problems: ['not a JSON object'] };
  const command = json as Record<string, unknown>;
  const problems: string[] = [];
  const text_ = (value: unknown, name: string, nonEmpty = true): void => {
    if (typeof value !== 'string' || (nonEmpty && value === '')) problems.push(`${name} must be a${nonEmpty ? ' non-empty' : ''} string`);
  };
  text_(command['commandId'], 'commandId');
  text_(command['replyTo'], 'replyTo');
  if (typeof command['deadline'] !== 'string' || Number.isNaN(Date.parse(command['deadline']))) problems.push('deadline must be an ISO 8601 time');
  const routes = command['routes'];
  if (!Array.isArray(routes) || routes.length === 0 || routes.some((r) => typeof r !== 'string')) problems.push('routes must be a non-empty list of route names');
  const instance = command['instance'];
  if (typeof instance !== 'object' || instance === null) {
    problems.push('instance must be an object');
  } else {
    const fields = instance as Record<string, unknown>;
    for (const name of INSTANCE_TEXT) text_(fields[name], `instance.${name}`, ['storageKey', 'sopInstanceUid', 'sopClassUid', 'transferSyntaxUid'].includes(name));
    const attributes = fields['attributes'];
    if (typeof attributes !== 'object' || attributes === null || Array.isArray(attributes)) problems.push('instance.attributes must be an object');
  }
  if (problems.length > 0) {
    return {
      ok: false,
      problems,
      ...(typeof command['commandId'] === 'string' ? { commandId: command['commandId'] } : {}),
      ...(typeof command['replyTo'] === 'string' && command['replyTo'] !== '' ? { replyTo: command['replyTo'] } : {}),
    };
  }
  return { ok: true, value: command as unknown as RouteInstanceCommandV1 };
}
