import { applyDecorators, type CanActivate, createParamDecorator, type ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiQuery } from '@nestjs/swagger';
import Ajv, { type ValidateFunction } from 'ajv';
import type { IncomingMessage } from 'node:http';
import { describeProblems, type FieldProblem, invalidRequest } from './invalid-request';

/** One query parameter an endpoint takes: its JSON Schema (also its OpenAPI schema) and how to say what it wants. */
export interface QueryParameter {
  /** Schema of the value once read: `type` is `string`, `integer` or `boolean`. */
  readonly schema: Readonly<Record<string, unknown>> & { readonly type: 'string' | 'integer' | 'boolean' };
  /** What a valid value looks like, in the 400 ("expected …") and the OpenAPI description. */
  readonly expected: string;
  readonly description?: string;
  readonly required?: boolean;
  /** For the OpenAPI document only. */
  readonly example?: string | number | boolean;
}

export type QueryParameterSet = Readonly<Record<string, QueryParameter>>;

type Common = Pick<QueryParameter, 'description' | 'required' | 'example'>;

/** Builders of the usual parameters, so schema and wording agree everywhere. */
export const QueryParameter = {
  integer(minimum: number, maximum: number, options: Common & { default?: number } = {}): QueryParameter {
    return param({ type: 'integer', minimum, maximum, ...defaultOf(options.default) }, `an integer from ${minimum} to ${maximum}`, options);
  },
  boolean(options: Common & { default?: boolean } = {}): QueryParameter {
    return param({ type: 'boolean', ...defaultOf(options.default) }, 'true or false', options);
  },
  oneOf(values: readonly string[], options: Common = {}): QueryParameter {
    return param({ type: 'string', enum: [...values] }, `one of ${values.join(', ')}`, options);
  },
  text(maxLength: number, options: Common & { pattern?: string; expected?: string } = {}): QueryParameter {
    const schema = { type: 'string' as const, maxLength, ...(options.pattern ? { pattern: options.pattern } : {}) };
    return param(schema, options.expected ?? `text of at most ${maxLength} characters`, options);
  },
  dateTime(options: Common = {}): QueryParameter {
    return param({ type: 'string', format: 'date-time' }, 'an ISO 8601 date-time such as 2026-01-31T08:00:00Z', options);
  },
};

function param(schema: QueryParameter['schema'], expected: string, options: Common): QueryParameter {
  return {
    schema,
    expected,
    ...(options.description ? { description: options.description } : {}),
    ...(options.required ? { required: true } : {}),
    ...(options.example !== undefined ? { example: options.example } : {}),
  };
}

function defaultOf(value: unknown): Record<string, unknown> {
  return value === undefined ? {} : { default: value };
}

/** Reads a parsed query string (`name` → text, or texts when repeated) into typed values, or throws a 400 naming each parameter at fault. */
export type QueryReader = (query: Readonly<Record<string, unknown>>) => Record<string, unknown>;

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
const INTEGER_TEXT = /^-?(0|[1-9][0-9]{0,15})$/;
/** Problems spelt out in the message; `problems` lists more. */
const MESSAGE_PROBLEMS = 5;

// Values are typed by readValue first; ajv then checks ranges, enums, patterns and formats, without coercion.
const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: true });
ajv.addFormat('date-time', (text: string) => ISO_DATE_TIME.test(text) && !Number.isNaN(Date.parse(text)));

/** Compiled once per endpoint, at decoration time: a bad schema stops the process at start, not at a request. */
export function compileQueryParameters(parameters: QueryParameterSet): QueryReader {
  const validate: ValidateFunction = ajv.compile({
    type: 'object',
    properties: Object.fromEntries(Object.entries(parameters).map(([name, p]) => [name, p.schema])),
    required: Object.entries(parameters).flatMap(([name, p]) => (p.required ? [name] : [])),
  });
  const names = Object.keys(parameters);
  const takes = names.length === 0 ? 'which takes none' : `which takes ${names.join(', ')}`;

  return (query) => {
    const problems: FieldProblem[] = [];
    const values: Record<string, unknown> = {};
    for (const [name, raw] of Object.entries(query)) {
      const spec = Object.hasOwn(parameters, name) ? parameters[name] : undefined;
      if (!spec) problems.push({ field: name, message: `not a parameter of this endpoint, ${takes}` });
      else if (typeof raw !== 'string') problems.push({ field: name, message: `give it once, as ${spec.expected}` });
      else {
        const value = readValue(raw, spec.schema.type);
        if (value === undefined) problems.push({ field: name, message: `expected ${spec.expected} (got ${shown(raw)})` });
        else values[name] = value;
      }
    }
    if (!validate(values)) {
      for (const error of validate.errors ?? []) {
        const name = error.keyword === 'required' ? String(error.params['missingProperty']) : error.instancePath.slice(1);
        const spec = parameters[name];
        const message = error.keyword === 'required' ? `required: ${spec.expected}` : `expected ${spec.expected} (got ${shown(String(query[name]))})`;
        if (!problems.some((p) => p.field === name)) problems.push({ field: name, message });
      }
    }
    if (problems.length > 0) {
      const more = problems.length > MESSAGE_PROBLEMS ? `; and ${problems.length - MESSAGE_PROBLEMS} more` : '';
      throw invalidRequest(`the query is not valid: ${describeProblems(problems.slice(0, MESSAGE_PROBLEMS))}${more}`, problems);
    }
    return values;
  };
}

function readValue(raw: string, type: QueryParameter['schema']['type']): string | number | boolean | undefined {
  if (type === 'string') return raw;
  if (type === 'boolean') return raw === 'true' ? true : raw === 'false' ? false : undefined;
  return INTEGER_TEXT.test(raw) ? Number(raw) : undefined;
}

/** A value echoed in an error is cut short: the answer should not carry a client's megabyte back. */
function shown(raw: string): string {
  return JSON.stringify(raw.length > 64 ? `${raw.slice(0, 64)}…` : raw);
}

const QUERY_READER = Symbol('QUERY_READER');
const VALID_QUERY = Symbol('VALID_QUERY');
const NO_PARAMETERS = compileQueryParameters({});

/**
 * The query parameters a handler takes: validated by QueryParametersGuard before the handler runs
 * (anything else is a 400 naming it) and described in OpenAPI from the same schemas. A handler
 * without this decorator takes none.
 */
export function QueryParameters(parameters: QueryParameterSet): MethodDecorator {
  return applyDecorators(
    SetMetadata(QUERY_READER, compileQueryParameters(parameters)),
    ...Object.entries(parameters).map(([name, p]) =>
      ApiQuery({
        name,
        required: p.required ?? false,
        schema: { ...p.schema },
        description: p.description ? `${p.description} (${p.expected})` : p.expected,
        ...(p.example !== undefined ? { example: p.example } : {}),
      }),
    ),
  );
}

type RequestWithQuery = IncomingMessage & { query?: Record<string, unknown>; [VALID_QUERY]?: Record<string, unknown> };

/**
 * Checks every request's query string against what its handler declares with @QueryParameters
 * (nothing, when it declares nothing): a parameter the endpoint does not know is refused rather than
 * ignored, so a misspelt filter can never widen what a call reads or deletes.
 */
@Injectable()
export class QueryParametersGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<RequestWithQuery>();
    const read = this.reflector.get<QueryReader | undefined>(QUERY_READER, context.getHandler()) ?? NO_PARAMETERS;
    request[VALID_QUERY] = read(request.query ?? queryOf(request.url));
    return true;
  }
}

/** The query string as Express's simple parser gives it (a repeated name → its values), for a request that has no `query`. */
function queryOf(url = '/'): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  const params = new URL(url, 'http://localhost').searchParams;
  for (const name of new Set(params.keys())) {
    const values = params.getAll(name);
    query[name] = values.length === 1 ? values[0] : values;
  }
  return query;
}

/** The query as QueryParametersGuard read it: typed values, defaults filled in. */
export const ValidQuery = createParamDecorator((_: unknown, context: ExecutionContext) => context.switchToHttp().getRequest<RequestWithQuery>()[VALID_QUERY] ?? {});
