/**
 * Time to read the leading attributes of the 39 KB CT of docs/architecture.md §6 (pydicom's CT_small.dcm),
 * as C-STORE sees it: the data set in one chunk and in 16 KiB PDV-sized chunks. A benchmark, not a
 * test (docs/architecture.md §6). Run: npx ts-node -r tsconfig-paths/register -P libs/dicom-data/tsconfig.json libs/dicom-data/bench/leading-attributes.bench.ts
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { PYDICOM_TEST_FILES } from '../src/__fixtures__/pydicom-files';
import { readFileMetaInformation } from '../src/file-meta';
import { LeadingAttributesReader } from '../src/leading-attributes';

function bench(label: string, file: string, chunkSize: number): void {
  const bytes = readFileSync(join(PYDICOM_TEST_FILES, file));
  const meta = readFileMetaInformation(bytes);
  const dataSet = bytes.subarray(meta.dataSetOffset);
  const chunks: Buffer[] = [];
  for (let pos = 0; pos < dataSet.length; pos += chunkSize) chunks.push(dataSet.subarray(pos, pos + chunkSize));
  const run = (): string | undefined => {
    const reader = new LeadingAttributesReader(meta.transferSyntaxUid);
    for (const chunk of chunks) {
      reader.push(chunk);
      if (reader.finished) break;
    }
    reader.end();
    return reader.result().get('SOPInstanceUID');
  };
  for (let i = 0; i < 5000; i++) run();
  const samples: number[] = [];
  for (let round = 0; round < 50; round++) {
    const iterations = 400;
    const started = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) run();
    samples.push(Number(process.hrtime.bigint() - started) / 1e3 / iterations);
  }
  samples.sort((a, b) => a - b);
  const median = samples[samples.length >> 1];
  const reader = new LeadingAttributesReader(meta.transferSyntaxUid);
  reader.push(dataSet);
  const result = reader.result();
  console.log(
    `${label.padEnd(44)} ${(bytes.length / 1024).toFixed(0).padStart(4)} KB  ${result.elements.size} elements in ${result.bytesRead} bytes  median ${median.toFixed(1)} µs  p90 ${samples[Math.floor(samples.length * 0.9)].toFixed(1)} µs`,
  );
}

bench('CT_small.dcm, Explicit VR LE, one chunk', 'CT_small.dcm', 1 << 30);
bench('CT_small.dcm, Explicit VR LE, 16 KiB chunks', 'CT_small.dcm', 16 * 1024);
bench('MR_small_implicit.dcm, Implicit VR LE', 'MR_small_implicit.dcm', 16 * 1024);
bench('MR_small_bigendian.dcm, Explicit VR BE', 'MR_small_bigendian.dcm', 16 * 1024);
bench('image_dfl.dcm, Deflated Explicit VR LE', 'image_dfl.dcm', 16 * 1024);
