import { Client, constants, log, requests } from 'dcmjs-dimse';

/**
 * dcmjs-dimse (an independent JavaScript DICOM stack) as a second SCU next to DCMTK,
 * so a peer's behaviour is checked against two implementations that share no code.
 */

// Its default logger writes every PDU to the console; keep test output readable.
log.setLevel('silent');

export interface DimseTarget {
  host?: string;
  port: number;
  callingAet: string;
  calledAet: string;
  /** Bounds the whole exchange: connect, associate, echo, release. */
  timeoutMs?: number;
}

export interface DimseEchoResult {
  /** DIMSE status of the C-ECHO-RSP (0x0000 = success). */
  status: number;
}

/**
 * One association, one C-ECHO, release. Rejects on association rejection, network error,
 * abort, or when no response arrived within timeoutMs.
 */
export function dimseEcho(target: DimseTarget): Promise<DimseEchoResult> {
  const timeoutMs = target.timeoutMs ?? 15_000;
  return new Promise<DimseEchoResult>((resolve, reject) => {
    const client = new Client();
    const request = new requests.CEchoRequest();
    let status: number | undefined;
    let settled = false;
    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) reject(error);
      else if (status === undefined) reject(new Error('association closed without a C-ECHO response'));
      else resolve({ status });
    };
    const timer = setTimeout(
      () => finish(new Error(`dcmjs-dimse C-ECHO to ${target.calledAet}@${target.port} timed out after ${timeoutMs} ms`)),
      timeoutMs,
    );

    request.on('response', (response) => {
      status = response.getStatus();
    });
    client.addRequest(request);
    client.on('associationRejected', (rejection: { result: number; source: number; reason: number }) =>
      finish(new Error(`association rejected: result ${rejection.result} source ${rejection.source} reason ${rejection.reason}`)),
    );
    client.on('networkError', (e: Error) => finish(new Error(`network error: ${e.message}`)));
    client.on('closed', () => finish());
    client.send(target.host ?? '127.0.0.1', target.port, target.callingAet, target.calledAet, {
      connectTimeout: timeoutMs,
      associationTimeout: timeoutMs,
      pduTimeout: timeoutMs,
    });
  });
}

/** DIMSE status codes used in assertions. */
export const DimseStatus = { Success: constants.Status.Success as number };
