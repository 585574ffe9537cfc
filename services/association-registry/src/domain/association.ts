import { hasControlCharacter, registryAeTitleProblem, trimSpaces } from './ae-title';
import { ConflictError, NotFoundError, Problem, throwIfProblems, ValidationError } from './errors';
import { uidProblem } from './uid';

/** PS3.5 §10.1: the transfer syntax every implementation supports; the default wherever none is named. */
export const IMPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2';
export const NAME_MAX_LENGTH = 64;
export const DESCRIPTION_MAX_LENGTH = 254;
/** Far above every SOP class of PS3.6 (a few hundred); a bound so that no request can grow a row without limit. */
export const MAX_PRESENTATION_CONTEXTS = 10_000;
export const MAX_TRANSFER_SYNTAXES = 256;

export interface PresentationContext {
  readonly abstractSyntax: string;
  /** Most preferred first: negotiation accepts the first of these that the requester proposed. */
  readonly transferSyntaxes: readonly string[];
}

export interface AssociationDraft {
  readonly name: string;
  readonly description: string;
  /** Stored without the insignificant leading/trailing spaces (PS3.5 Table 6.2-1). */
  readonly callingAet: string;
  readonly calledAet: string;
  readonly presentationContexts: readonly PresentationContext[];
}

export interface Association extends AssociationDraft {
  readonly id: string;
}

/** What an update may change; the AE titles are the association's key and never change. */
export interface AssociationChanges {
  readonly name?: string;
  readonly description?: string;
  readonly presentationContexts?: readonly PresentationContext[];
}

type Fields = Record<string, unknown>;

function asObject(input: unknown, what: string): Fields {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new ValidationError(`${what} must be a JSON object`);
  }
  return input as Fields;
}

function unknownFields(fields: Fields, allowed: readonly string[], problems: Problem[]): void {
  for (const key of Object.keys(fields)) {
    if (!allowed.includes(key)) problems.push({ field: key, message: `unknown field; expected ${allowed.join(', ')}` });
  }
}

function text(value: unknown, field: string, max: number, problems: Problem[]): string | undefined {
  if (typeof value !== 'string') {
    problems.push({ field, message: 'must be a string' });
    return undefined;
  }
  if (value.length > max) problems.push({ field, message: `has at most ${max} characters (got ${value.length})` });
  if (hasControlCharacter(value)) problems.push({ field, message: 'must not contain control characters' });
  return value;
}

export function parseAeTitle(value: unknown, field: string, problems: Problem[]): string | undefined {
  if (typeof value !== 'string') {
    problems.push({ field, message: 'must be a string, the AE title' });
    return undefined;
  }
  const problem = registryAeTitleProblem(value);
  if (problem) {
    problems.push({ field, message: `${JSON.stringify(value.slice(0, 40))} is not accepted: ${problem}` });
    return undefined;
  }
  return trimSpaces(value);
}

function parseUid(value: unknown, field: string, problems: Problem[]): string | undefined {
  if (typeof value !== 'string') {
    problems.push({ field, message: 'must be a string, a UID' });
    return undefined;
  }
  const problem = uidProblem(value);
  if (problem) {
    problems.push({ field, message: `${JSON.stringify(value.slice(0, 80))} is not a UID: ${problem}` });
    return undefined;
  }
  return value;
}

/** An ordered, duplicate-free, non-empty list of transfer syntax UIDs. */
export function parseTransferSyntaxes(value: unknown, field: string, problems: Problem[]): string[] {
  if (!Array.isArray(value) || value.length === 0) {
    problems.push({ field, message: 'must be a non-empty array of transfer syntax UIDs, most preferred first' });
    return [];
  }
  if (value.length > MAX_TRANSFER_SYNTAXES) {
    problems.push({ field, message: `has at most ${MAX_TRANSFER_SYNTAXES} transfer syntaxes` });
    return [];
  }
  const seen = new Set<string>();
  value.forEach((item, i) => {
    const uid = parseUid(item, `${field}[${i}]`, problems);
    if (uid === undefined) return;
    if (seen.has(uid)) problems.push({ field: `${field}[${i}]`, message: `${uid} is listed twice` });
    seen.add(uid);
  });
  return [...seen];
}

export function parsePresentationContext(value: unknown, field: string, problems: Problem[]): PresentationContext | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    problems.push({ field, message: 'must be an object { abstractSyntax, transferSyntaxes }' });
    return undefined;
  }
  const fields = value as Fields;
  const prefix = field ? `${field}.` : '';
  const before = problems.length;
  unknownFields(fields, ['abstractSyntax', 'transferSyntaxes'], problems);
  const abstractSyntax = parseUid(fields['abstractSyntax'], `${prefix}abstractSyntax`, problems);
  const transferSyntaxes = parseTransferSyntaxes(fields['transferSyntaxes'], `${prefix}transferSyntaxes`, problems);
  if (problems.length > before || abstractSyntax === undefined) return undefined;
  return { abstractSyntax, transferSyntaxes };
}

export function parsePresentationContexts(value: unknown, field: string, problems: Problem[]): PresentationContext[] {
  if (!Array.isArray(value)) {
    problems.push({ field, message: 'must be an array of { abstractSyntax, transferSyntaxes }' });
    return [];
  }
  if (value.length > MAX_PRESENTATION_CONTEXTS) {
    problems.push({ field, message: `has at most ${MAX_PRESENTATION_CONTEXTS} presentation contexts` });
    return [];
  }
  const contexts: PresentationContext[] = [];
  const seen = new Set<string>();
  value.forEach((item, i) => {
    const context = parsePresentationContext(item, `${field}[${i}]`, problems);
    if (!context) return;
    if (seen.has(context.abstractSyntax)) {
      problems.push({ field: `${field}[${i}].abstractSyntax`, message: `${context.abstractSyntax} is listed twice; list its transfer syntaxes once` });
    }
    seen.add(context.abstractSyntax);
    contexts.push(context);
  });
  return contexts;
}

const DRAFT_FIELDS = ['name', 'description', 'callingAet', 'calledAet', 'presentationContexts'] as const;

/** Validates a new association from untrusted input; every problem is reported at once. */
export function parseAssociationDraft(input: unknown): AssociationDraft {
  const fields = asObject(input, 'an association');
  const problems: Problem[] = [];
  unknownFields(fields, DRAFT_FIELDS, problems);
  const callingAet = parseAeTitle(fields['callingAet'], 'callingAet', problems);
  const calledAet = parseAeTitle(fields['calledAet'], 'calledAet', problems);
  const name = fields['name'] === undefined ? undefined : text(fields['name'], 'name', NAME_MAX_LENGTH, problems);
  const description = fields['description'] === undefined ? '' : text(fields['description'], 'description', DESCRIPTION_MAX_LENGTH, problems);
  const presentationContexts =
    fields['presentationContexts'] === undefined ? [] : parsePresentationContexts(fields['presentationContexts'], 'presentationContexts', problems);
  throwIfProblems('the association is not valid', problems);
  return {
    name: name ?? defaultName(callingAet as string, calledAet as string),
    description: description as string,
    callingAet: callingAet as string,
    calledAet: calledAet as string,
    presentationContexts,
  };
}

/** The name an association gets when none is given. */
export function defaultName(callingAet: string, calledAet: string): string {
  return `${callingAet} to ${calledAet}`;
}

/**
 * Validates an update. Sending the current AE titles back is harmless; a different one is refused,
 * because the pair is the association's identity for every gateway.
 */
export function parseAssociationChanges(input: unknown, current: Association): AssociationChanges {
  const fields = asObject(input, 'an update');
  const problems: Problem[] = [];
  unknownFields(fields, ['id', ...DRAFT_FIELDS], problems);
  for (const field of ['callingAet', 'calledAet'] as const) {
    const value = fields[field];
    if (value === undefined) continue;
    if (typeof value !== 'string' || trimSpaces(value) !== current[field]) {
      problems.push({ field, message: 'AE titles cannot be changed: delete the association and create it again with the new AE titles' });
    }
  }
  if (fields['id'] !== undefined && fields['id'] !== current.id) problems.push({ field: 'id', message: 'the id cannot be changed' });
  const changes: { -readonly [K in keyof AssociationChanges]: AssociationChanges[K] } = {};
  if (fields['name'] !== undefined) changes.name = text(fields['name'], 'name', NAME_MAX_LENGTH, problems);
  if (fields['description'] !== undefined) changes.description = text(fields['description'], 'description', DESCRIPTION_MAX_LENGTH, problems);
  if (fields['presentationContexts'] !== undefined) {
    changes.presentationContexts = parsePresentationContexts(fields['presentationContexts'], 'presentationContexts', problems);
  }
  throwIfProblems('the update is not valid', problems);
  return changes;
}

export function applyChanges(association: Association, changes: AssociationChanges): Association {
  return { ...association, ...changes };
}

function describe(association: Association): string {
  return `${association.callingAet} → ${association.calledAet}`;
}

export function addPresentationContext(association: Association, context: PresentationContext): Association {
  if (association.presentationContexts.some((c) => c.abstractSyntax === context.abstractSyntax)) {
    throw new ConflictError(
      `association ${describe(association)} already has abstract syntax ${context.abstractSyntax}; replace its transfer syntaxes with PUT instead`,
    );
  }
  if (association.presentationContexts.length >= MAX_PRESENTATION_CONTEXTS) {
    throw new ValidationError(`an association has at most ${MAX_PRESENTATION_CONTEXTS} presentation contexts`);
  }
  return { ...association, presentationContexts: [...association.presentationContexts, context] };
}

export function replaceTransferSyntaxes(association: Association, abstractSyntax: string, transferSyntaxes: readonly string[]): Association {
  indexOfContext(association, abstractSyntax);
  return {
    ...association,
    presentationContexts: association.presentationContexts.map((c) => (c.abstractSyntax === abstractSyntax ? { abstractSyntax, transferSyntaxes } : c)),
  };
}

export function removePresentationContext(association: Association, abstractSyntax: string): Association {
  indexOfContext(association, abstractSyntax);
  return { ...association, presentationContexts: association.presentationContexts.filter((c) => c.abstractSyntax !== abstractSyntax) };
}

function indexOfContext(association: Association, abstractSyntax: string): number {
  const index = association.presentationContexts.findIndex((c) => c.abstractSyntax === abstractSyntax);
  if (index < 0) throw new NotFoundError(`association ${describe(association)} has no presentation context for abstract syntax ${abstractSyntax}`);
  return index;
}
