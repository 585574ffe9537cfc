import { constants, inflateRawSync } from 'node:zlib';

/**
 * Inflates the start of a Deflated Explicit VR Little Endian data set (PS3.5 §A.5: the data set
 * is one raw RFC 1951 stream without a zlib header) from a copy of its first compressed bytes,
 * while the compressed bytes themselves go to storage untouched.
 *
 * Inflation is synchronous so that the reader stays synchronous: the compressed prefix is inflated
 * again from its start with Z_SYNC_FLUSH, which yields all the output a truncated stream holds,
 * and the output of a longer prefix always extends the output of a shorter one. Attempts happen
 * when the prefix has doubled (from 1 KiB), so the total work stays linear.
 *
 * A data set of zeros inflates a thousandfold, so output is capped: when a prefix would inflate
 * past `maxOutput`, the longest prefix that does not is found by bisection. One compressed byte
 * yields at most a few KiB, so a cap comfortably above the reader's limit lets it reach that limit.
 */
export class DeflatedPrefix {
  private chunks: Buffer[] = [];
  private compressedLength = 0;
  private inflatedCompressedLength = 0;
  private inflatedLength = 0;
  private nextAttempt = 1024;

  constructor(
    private readonly maxCompressed: number,
    private readonly maxOutput: number,
  ) {}

  /** True once no more compressed bytes are accepted. */
  get full(): boolean {
    return this.compressedLength >= this.maxCompressed;
  }

  /** Adds compressed bytes and returns the output they make available (possibly empty). */
  push(chunk: Buffer): Buffer {
    const room = this.maxCompressed - this.compressedLength;
    if (room <= 0) return EMPTY;
    const taken = chunk.length > room ? chunk.subarray(0, room) : chunk;
    this.chunks.push(Buffer.from(taken));
    this.compressedLength += taken.length;
    if (this.compressedLength < this.nextAttempt && !this.full) return EMPTY;
    this.nextAttempt = this.compressedLength * 2;
    return this.inflate();
  }

  /** Inflates whatever is held; used at the end of the stream. */
  flush(): Buffer {
    return this.compressedLength > this.inflatedCompressedLength ? this.inflate() : EMPTY;
  }

  /** Drops everything held. */
  release(): void {
    this.chunks = [];
  }

  private inflate(): Buffer {
    const compressed = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.compressedLength);
    this.chunks = [compressed];
    let good = this.inflatedCompressedLength;
    let tryLength = this.compressedLength;
    let output: Buffer | undefined;
    let tooLarge = this.compressedLength + 1;
    while (tryLength > good) {
      const attempt = inflatePrefix(compressed.subarray(0, tryLength), this.maxOutput);
      if (attempt) {
        output = attempt;
        good = tryLength;
        if (tooLarge === this.compressedLength + 1) break;
      } else {
        tooLarge = tryLength;
      }
      tryLength = good + Math.floor((tooLarge - good) / 2);
    }
    if (!output) return EMPTY;
    this.inflatedCompressedLength = good;
    const fresh = output.subarray(this.inflatedLength);
    this.inflatedLength = output.length;
    return fresh;
  }
}

const EMPTY = Buffer.alloc(0);

/** The output of a compressed prefix, or `undefined` when it exceeds `maxOutput` bytes. */
function inflatePrefix(compressed: Buffer, maxOutput: number): Buffer | undefined {
  try {
    return inflateRawSync(compressed, { finishFlush: constants.Z_SYNC_FLUSH, maxOutputLength: maxOutput });
  } catch (error) {
    // Checked by code, not by class: Node's errors come from another realm under test runners.
    if ((error as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') return undefined;
    throw error;
  }
}
