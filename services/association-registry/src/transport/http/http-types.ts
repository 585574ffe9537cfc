import type { IncomingMessage, ServerResponse } from 'node:http';

/** What this service uses of Express's request and response (Express's own typings are not a dependency). */
export type HttpRequest = IncomingMessage & { body?: unknown };
export type HttpResponse = ServerResponse & { status(code: number): HttpResponse; json(body: unknown): void };
