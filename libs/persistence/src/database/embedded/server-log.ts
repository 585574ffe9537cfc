import type { Readable } from 'node:stream';

const KEPT_LINES = 20;
const SEVERE = /\b(FATAL|PANIC):/;

/**
 * PostgreSQL's stderr: the last lines are kept to explain a failed start, and FATAL/PANIC lines are
 * passed on while the server runs. The server logs no statements (they may carry patient data).
 */
export class ServerLog {
  readonly #lines: string[] = [];
  #partial = '';
  /** Set while stopping: the FATALs of sessions ended by the shutdown are expected. */
  quiet = false;

  constructor(
    stream: Readable,
    private readonly onSevere: (line: string) => void,
  ) {
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => this.add(chunk));
  }

  /** The last lines, on one line, for an error message. */
  tail(lines = 5): string {
    return this.#lines.slice(-lines).join(' | ');
  }

  private add(chunk: string): void {
    const lines = (this.#partial + chunk).split('\n');
    this.#partial = lines.pop() ?? '';
    for (const line of lines.filter((l) => l.trim())) {
      this.#lines.push(line);
      if (this.#lines.length > KEPT_LINES) this.#lines.shift();
      if (!this.quiet && SEVERE.test(line)) this.onSevere(line);
    }
  }
}
