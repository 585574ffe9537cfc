import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { runCommand } from './processes';
import { requireTool } from './tools';
import { tempDir } from './tmp';

/** Throwaway PKI for TLS tests: one CA that signs a server and a client certificate (PEM, keys unencrypted). */
export interface TlsMaterial {
  dir: string;
  caCert: string;
  caKey: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
}

const DAYS = '2';

async function openssl(args: string[], cwd: string): Promise<void> {
  const result = await runCommand(requireTool('openssl'), args, { cwd, name: 'openssl', timeoutMs: 30_000 });
  if (result.code !== 0) {
    throw new Error(`openssl ${args.join(' ')} failed (code ${result.code}):\n${result.stderr}`);
  }
}

/** Issue a leaf certificate for `name` signed by the CA in `dir`. */
async function issue(dir: string, name: string, subject: string, extensions: string): Promise<void> {
  fs.writeFileSync(path.join(dir, `${name}.ext`), extensions);
  await openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject], dir);
  await openssl(
    [
      'x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key',
      // Explicit random serial: no ca.srl file, and two issues never collide.
      '-set_serial', `0x${randomBytes(8).toString('hex')}`,
      '-days', DAYS, '-sha256', '-extfile', `${name}.ext`, '-out', `${name}.pem`,
    ],
    dir,
  );
}

/** Generate CA, server (localhost / 127.0.0.1) and client certificates with Debian's openssl. */
export async function makeTlsMaterial(dir = tempDir('tls')): Promise<TlsMaterial> {
  fs.mkdirSync(dir, { recursive: true });
  await openssl(
    [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', DAYS, '-sha256',
      '-subj', '/CN=DICOM Router Test CA',
      '-addext', 'basicConstraints=critical,CA:TRUE',
      '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
    ],
    dir,
  );
  await issue(
    dir,
    'server',
    '/CN=localhost',
    [
      'basicConstraints=CA:FALSE',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      'extendedKeyUsage=serverAuth',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
    ].join('\n'),
  );
  await issue(
    dir,
    'client',
    '/CN=DICOM Router Test Client',
    ['basicConstraints=CA:FALSE', 'keyUsage=critical,digitalSignature,keyEncipherment', 'extendedKeyUsage=clientAuth'].join('\n'),
  );
  const file = (name: string) => path.join(dir, name);
  return {
    dir,
    caCert: file('ca.pem'),
    caKey: file('ca.key'),
    serverCert: file('server.pem'),
    serverKey: file('server.key'),
    clientCert: file('client.pem'),
    clientKey: file('client.key'),
  };
}

/** echoscu/storescu/findscu options for a TLS association that presents the client certificate. */
export function dcmtkTlsClientArgs(m: TlsMaterial): string[] {
  return ['+tls', m.clientKey, m.clientCert, '+cf', m.caCert];
}

/** storescp options for a TLS listener that requires and verifies the client certificate. */
export function dcmtkTlsServerArgs(m: TlsMaterial): string[] {
  return ['+tls', m.serverKey, m.serverCert, '+cf', m.caCert];
}

/** The gateway's TLS environment for this material. */
export function gatewayTlsEnv(m: TlsMaterial): Record<string, string> {
  return { TLS_CERT_FILE: m.serverCert, TLS_KEY_FILE: m.serverKey, TLS_CA_FILE: m.caCert };
}
