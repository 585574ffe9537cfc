// dicom-echo HOST PORT [CALLING_AET] [CALLED_AET]
// One Verification (C-ECHO, PS3.7 §9.1.5) against a DICOM listener, the check `helm test` runs from
// inside the cluster. Exits 0 when the association is accepted and the C-ECHO-RSP status is Success
// (0000H), 1 otherwise, printing why: a rejection names the PS3.8 Table 9-21 result, source and reason.
const { DicomClient, VERIFICATION_SOP_CLASS, EXPLICIT_VR_LITTLE_ENDIAN, IMPLICIT_VR_LITTLE_ENDIAN } = require('@dicom-router/dicom-network');

async function main([host, port, callingAet = 'ECHOSCU', calledAet = 'ANY-SCP']) {
  if (!host || !/^\d+$/.test(port ?? '')) throw new Error('usage: dicom-echo HOST PORT [CALLING_AET] [CALLED_AET]');
  const association = await DicomClient.connect({
    host,
    port: Number(port),
    connectTimeoutMs: 10_000,
    callingAet,
    calledAet,
    presentationContexts: [{ abstractSyntax: VERIFICATION_SOP_CLASS, transferSyntaxes: [EXPLICIT_VR_LITTLE_ENDIAN, IMPLICIT_VR_LITTLE_ENDIAN] }],
    implementation: { classUid: '2.25.100030543585475866236183110513822956206', versionName: 'DICOMROUTER_ECH' },
    acseTimeoutMs: 10_000,
    dimseTimeoutMs: 10_000,
  });
  try {
    const { status, roundTripMs } = await association.echo();
    const hex = status.toString(16).toUpperCase().padStart(4, '0');
    if (status !== 0) throw new Error(`C-ECHO-RSP status ${hex}H`);
    process.stdout.write(`C-ECHO ${callingAet} -> ${calledAet} at ${host}:${port}: status 0000H (Success) in ${roundTripMs.toFixed(1)} ms\n`);
  } finally {
    await association.release();
  }
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`dicom-echo: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
