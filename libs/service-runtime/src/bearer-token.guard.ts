import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CanActivate, ExecutionContext, Inject, Injectable, UnauthorizedException } from '@nestjs/common';

/** Injection token of the bearer token a service's REST API expects (a string). */
export const API_TOKEN = Symbol('API_TOKEN');

/** docs/architecture.md §4: every REST call carries `Authorization: Bearer <API_TOKEN>`. */
@Injectable()
export class BearerTokenGuard implements CanActivate {
  readonly #expected: Buffer;

  constructor(@Inject(API_TOKEN) token: string) {
    this.#expected = digest(token);
  }

  canActivate(context: ExecutionContext): boolean {
    const http = context.switchToHttp();
    const header = http.getRequest<IncomingMessage>().headers.authorization ?? '';
    const match = /^Bearer +(\S+) *$/i.exec(header);
    // Digests have one length, so the comparison takes the same time whatever was sent.
    if (match && timingSafeEqual(digest(match[1]), this.#expected)) return true;
    http.getResponse<ServerResponse>().setHeader('WWW-Authenticate', 'Bearer');
    throw new UnauthorizedException(match ? 'the bearer token is not valid' : 'send the API token as "Authorization: Bearer <API_TOKEN>"');
  }
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
