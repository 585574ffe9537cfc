/**
 * The line every fault scenario prints: what was sent, acknowledged (C-STORE-RSP Success), found in
 * the StorageLocation, announced, queued and delivered, and what was lost or delivered twice.
 * A lost instance is one answered Success that is missing from storage or was never announced.
 */
export interface FaultTally {
  sent: number;
  acked: number;
  stored: number;
  announced: number;
  queued?: number;
  delivered?: number;
  lost: number;
  duplicates: number;
}

export function reportFaultScenario(scenario: string, tally: FaultTally): void {
  const fields = Object.entries(tally)
    .map(([name, value]) => `${name}=${value}`)
    .join(' ');
  process.stdout.write(`fault scenario "${scenario}": ${fields}\n`);
}
