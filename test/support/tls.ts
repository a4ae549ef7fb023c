/** Test certificates made with the `openssl` CLI: a CA with a loopback server cert, and a self-signed signing cert. */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface TestServerTls {
  caFile: string;
  caPem: string;
  /** server certificate for 127.0.0.1, ::1 and localhost, signed by the CA */
  certFile: string;
  keyFile: string;
}

export interface SelfSignedCert {
  certFile: string;
  certPem: string;
  keyFile: string;
  keyPem: string;
}

const VALID_DAYS = '2';
const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

function openssl(args: string[]): void {
  try {
    execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new Error(`openssl ${args[0]} failed: ${stderr || (err as Error).message}`);
  }
}

/** A fresh test CA and a server certificate it signed, written into `dir`. */
export function makeServerTls(dir: string): TestServerTls {
  const caFile = path.join(dir, 'ca.crt');
  const caKey = path.join(dir, 'ca.key');
  const certFile = path.join(dir, 'server.crt');
  const keyFile = path.join(dir, 'server.key');
  const csrFile = path.join(dir, 'server.csr');
  const extFile = path.join(dir, 'server.ext');

  openssl(['req', '-x509', ...EC_KEY, '-keyout', caKey, '-out', caFile, '-days', VALID_DAYS,
    '-subj', '/CN=ship-image test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE',
    '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  openssl(['req', '-new', ...EC_KEY, '-keyout', keyFile, '-out', csrFile, '-subj', '/CN=localhost']);
  fs.writeFileSync(extFile, [
    'basicConstraints=critical,CA:FALSE',
    'keyUsage=critical,digitalSignature',
    'extendedKeyUsage=serverAuth',
    'subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost',
    '',
  ].join('\n'));
  openssl(['x509', '-req', '-in', csrFile, '-CA', caFile, '-CAkey', caKey, '-CAcreateserial',
    '-out', certFile, '-days', VALID_DAYS, '-extfile', extFile]);
  return { caFile, caPem: fs.readFileSync(caFile, 'utf8'), certFile, keyFile };
}

/** A P-256 key and a self-signed certificate for it (e.g. the token issuer's signing key). */
export function makeSelfSignedCert(dir: string, name: string, commonName: string): SelfSignedCert {
  const certFile = path.join(dir, `${name}.crt`);
  const keyFile = path.join(dir, `${name}.key`);
  openssl(['req', '-x509', ...EC_KEY, '-keyout', keyFile, '-out', certFile, '-days', VALID_DAYS,
    '-subj', `/CN=${commonName}`]);
  return {
    certFile,
    certPem: fs.readFileSync(certFile, 'utf8'),
    keyFile,
    keyPem: fs.readFileSync(keyFile, 'utf8'),
  };
}

/** A client certificate (clientAuth) signed by the CA of `makeServerTls(dir)`, as Gatekeeper presents one for mTLS. */
export function makeClientCert(dir: string, name: string, commonName: string): SelfSignedCert {
  const certFile = path.join(dir, `${name}.crt`);
  const keyFile = path.join(dir, `${name}.key`);
  const csrFile = path.join(dir, `${name}.csr`);
  const extFile = path.join(dir, `${name}.ext`);
  openssl(['req', '-new', ...EC_KEY, '-keyout', keyFile, '-out', csrFile, '-subj', `/CN=${commonName}`]);
  fs.writeFileSync(extFile, ['basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature', 'extendedKeyUsage=clientAuth', ''].join('\n'));
  openssl(['x509', '-req', '-in', csrFile, '-CA', path.join(dir, 'ca.crt'), '-CAkey', path.join(dir, 'ca.key'), '-CAcreateserial',
    '-out', certFile, '-days', VALID_DAYS, '-extfile', extFile]);
  return { certFile, certPem: fs.readFileSync(certFile, 'utf8'), keyFile, keyPem: fs.readFileSync(keyFile, 'utf8') };
}
