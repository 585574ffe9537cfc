import type { Readable } from 'node:stream';
import { InvalidFileMetaError, NotPart10Error, readPart10Header, type FileMetaInformation } from '@dicom-router/dicom-data';
import { ObjectNotFoundError, type StorageLocation } from '@dicom-router/storage';
import { DeliveryError } from './instance-sender';

/** A stored Part-10 object opened for sending: its File Meta and its data set bytes as stored. */
export interface OpenedInstance {
  meta: FileMetaInformation;
  /** PS3.10 §7.1: everything after the File Meta group, byte for byte; destroy it if unused. */
  dataSet: Readable;
}

/**
 * Opens the object under `key` and reads past the preamble, prefix and File Meta group, so that
 * the data set streams out exactly as stored (docs/architecture.md §3: never converted, never held whole).
 */
export async function openStoredInstance(storage: StorageLocation, key: string, destination: string): Promise<OpenedInstance> {
  let stream: Readable;
  try {
    stream = await storage.openReader(key);
  } catch (error) {
    if (error instanceof ObjectNotFoundError) throw new DeliveryError(destination, 'not-stored', `nothing is stored under ${key}`);
    throw new DeliveryError(destination, 'storage-unavailable', `cannot read ${key}: ${(error as Error).message}`);
  }
  try {
    const header = await readPart10Header(stream);
    return { meta: header.meta, dataSet: header.dataSet };
  } catch (error) {
    stream.destroy();
    if (error instanceof NotPart10Error || error instanceof InvalidFileMetaError) {
      throw new DeliveryError(destination, 'not-stored', `${key} is not a DICOM Part-10 object: ${error.message}`);
    }
    throw new DeliveryError(destination, 'storage-unavailable', `cannot read ${key}: ${(error as Error).message}`);
  }
}
