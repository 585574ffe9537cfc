import { Readable } from 'node:stream';

import { NotPart10Error } from './errors';
import { type FileMetaInformation, MAX_FILE_META_LENGTH, PART10_PREFIX_LENGTH, scanFileMeta } from './file-meta';

export interface Part10Header {
  meta: FileMetaInformation;
  /** The data set bytes exactly as stored, from the first byte after the meta group. */
  dataSet: Readable;
}

/**
 * Reads the preamble, prefix and meta group from the front of a Part-10 stream, such as a stored
 * object about to be sent to a PACS or a file picked up by an intake, and hands back the rest of
 * the same stream. At most the meta group (capped at 64 KiB) plus one chunk is held; the bytes read
 * past the meta group are put back with `unshift`, so the caller keeps the original stream and its
 * backpressure. Rejects with NotPart10Error for anything that is not Part 10, and with the
 * stream's own error if it fails first; the stream is left to the caller to destroy.
 */
export function readPart10Header(stream: Readable): Promise<Part10Header> {
  return new Promise<Part10Header>((resolve, reject) => {
    let chunks: Buffer[] = [];
    let length = 0;

    const detach = (): void => {
      stream.off('readable', onReadable);
      stream.off('end', onEnd);
      stream.off('error', onError);
    };
    const fail = (error: unknown): void => {
      detach();
      reject(error);
    };
    /** Returns true once settled. */
    const attempt = (atEnd: boolean): boolean => {
      const bytes = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, length);
      chunks = [bytes];
      const scan = scanFileMeta(bytes, atEnd);
      if (scan === 'need-more') {
        if (length > PART10_PREFIX_LENGTH + MAX_FILE_META_LENGTH) {
          throw new NotPart10Error(`File Meta Information longer than ${MAX_FILE_META_LENGTH} bytes`);
        }
        return false;
      }
      detach();
      const rest = bytes.subarray(scan.dataSetOffset);
      if (atEnd) {
        // The source has ended: a fresh stream carries what is left, since an ended one emits no more events.
        resolve({ meta: scan, dataSet: Readable.from(rest.length > 0 ? [rest] : []) });
      } else {
        if (rest.length > 0) stream.unshift(rest);
        resolve({ meta: scan, dataSet: stream });
      }
      return true;
    };
    const onReadable = (): void => {
      try {
        for (let chunk = stream.read() as unknown; chunk !== null; chunk = stream.read() as unknown) {
          const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : (chunk as Buffer);
          chunks.push(bytes);
          length += bytes.length;
          if (attempt(false)) return;
        }
      } catch (error) {
        fail(error);
      }
    };
    const onEnd = (): void => {
      try {
        attempt(true);
      } catch (error) {
        fail(error);
      }
    };
    const onError = (error: Error): void => fail(error);

    stream.on('readable', onReadable);
    stream.on('end', onEnd);
    stream.on('error', onError);
  });
}
