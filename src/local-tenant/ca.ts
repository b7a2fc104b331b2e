/**
 * The local tenant's certificates: a certificate authority generated on first run and a server
 * certificate for localhost, 127.0.0.1 and ::1 signed by it. The provider (Go) has no
 * "insecure" switch, so it must trust the CA: SSL_CERT_FILE points it at a bundle made of the
 * system roots plus this CA (SSL_CERT_FILE replaces Go's default roots, it does not add to them).
 *
 * Keys are made by Node's crypto (fast, native); node-forge only builds and signs the X.509
 * structures. Files are kept in <stateDir>/ca/ and reused on later runs, so a CA a user chose to
 * trust stays the same.
 */
import { generateKeyPairSync, randomBytes, X509Certificate } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import forge from "node-forge";
import { writeFileAtomic } from "./store";

export interface CertificateFiles {
  /** PEM of the local CA: what a client must trust. */
  caFile: string;
  /** System roots plus the local CA: the value for SSL_CERT_FILE. */
  caBundleFile: string;
  serverKeyFile: string;
  serverCertFile: string;
}

export interface ServerCredentials extends CertificateFiles {
  caPem: string;
  serverKeyPem: string;
  serverCertPem: string;
}

/** Where Linux distributions and macOS keep the system's root certificates, first match wins. */
const SYSTEM_BUNDLES = [
  "/etc/ssl/certs/ca-certificates.crt",
  "/etc/pki/tls/certs/ca-bundle.crt",
  "/etc/ssl/ca-bundle.pem",
  "/etc/ssl/cert.pem",
];

const SERVER_NAMES = { dns: ["localhost"], ips: ["127.0.0.1", "::1"] };
const DAY_MS = 24 * 60 * 60 * 1000;
/** Browsers and macOS refuse server certificates valid longer than 825 days; stay well under. */
const SERVER_CERT_DAYS = 397;
const CA_DAYS = 10 * 365;

/** Returns the CA and server certificate of `stateDir`, creating (or renewing) what is missing. */
export function ensureCertificates(stateDir: string): ServerCredentials {
  const dir = join(stateDir, "ca");
  const files: CertificateFiles = {
    caFile: join(dir, "ca.pem"),
    caBundleFile: join(dir, "ca-bundle.pem"),
    serverKeyFile: join(dir, "server.key.pem"),
    serverCertFile: join(dir, "server.pem"),
  };
  const caKeyFile = join(dir, "ca.key.pem");

  if (!existsSync(files.caFile) || !existsSync(caKeyFile) || expiresWithin(readFileSync(files.caFile, "utf8"), 30)) {
    const ca = createCertificateAuthority();
    writeFileAtomic(caKeyFile, ca.keyPem);
    writeFileAtomic(files.caFile, ca.certPem, 0o644);
    // A new CA invalidates the old server certificate.
    writeFileAtomic(files.serverCertFile, "", 0o644);
  }
  const caPem = readFileSync(files.caFile, "utf8");
  const caKeyPem = readFileSync(caKeyFile, "utf8");

  const currentServer = existsSync(files.serverCertFile) ? readFileSync(files.serverCertFile, "utf8") : "";
  if (!existsSync(files.serverKeyFile) || !serverCertificateUsable(currentServer, caPem)) {
    const server = createServerCertificate(caPem, caKeyPem);
    writeFileAtomic(files.serverKeyFile, server.keyPem);
    writeFileAtomic(files.serverCertFile, server.certPem, 0o644);
  }

  writeFileAtomic(files.caBundleFile, `${systemRoots()}${caPem}`, 0o644);
  return {
    ...files,
    caPem,
    serverKeyPem: readFileSync(files.serverKeyFile, "utf8"),
    serverCertPem: readFileSync(files.serverCertFile, "utf8"),
  };
}

function createCertificateAuthority(): { keyPem: string; certPem: string } {
  const { privateKey, publicKey } = rsaKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  cert.serialNumber = serialNumber();
  setValidity(cert, CA_DAYS);
  const subject = [
    { name: "commonName", value: "Local Auth0 tenant CA" },
    { name: "organizationName", value: "auth0-post-login-claims (local development only)" },
  ];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: "basicConstraints", cA: true, pathLenConstraint: 0, critical: true },
    { name: "keyUsage", keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: "subjectKeyIdentifier" },
  ]);
  cert.sign(privateKey, forge.md.sha256.create());
  return { keyPem: forge.pki.privateKeyToPem(privateKey), certPem: forge.pki.certificateToPem(cert) };
}

function createServerCertificate(caPem: string, caKeyPem: string): { keyPem: string; certPem: string } {
  const caCert = forge.pki.certificateFromPem(caPem);
  const caKey = forge.pki.privateKeyFromPem(caKeyPem);
  const { privateKey, publicKey } = rsaKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  cert.serialNumber = serialNumber();
  setValidity(cert, SERVER_CERT_DAYS);
  cert.setSubject([{ name: "commonName", value: "localhost" }]);
  cert.setIssuer(caCert.subject.attributes);
  cert.setExtensions([
    { name: "basicConstraints", cA: false, critical: true },
    { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
    { name: "extKeyUsage", serverAuth: true },
    // Go and browsers match host names against subjectAltName only, never the common name.
    {
      name: "subjectAltName",
      altNames: [...SERVER_NAMES.dns.map((value) => ({ type: 2, value })), ...SERVER_NAMES.ips.map((ip) => ({ type: 7, ip }))],
    },
    { name: "subjectKeyIdentifier" },
    { name: "authorityKeyIdentifier", keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
  ]);
  cert.sign(caKey, forge.md.sha256.create());
  return { keyPem: forge.pki.privateKeyToPem(privateKey), certPem: forge.pki.certificateToPem(cert) };
}

function rsaKeyPair(): { privateKey: forge.pki.rsa.PrivateKey; publicKey: forge.pki.rsa.PublicKey } {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
  return { privateKey: forge.pki.privateKeyFromPem(privateKey), publicKey: forge.pki.publicKeyFromPem(publicKey) };
}

/** A positive 127-bit serial: Go rejects negative serial numbers, and forge reads hex as signed. */
function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] &= 0x7f;
  bytes[0] |= 0x01;
  return bytes.toString("hex");
}

function setValidity(cert: forge.pki.Certificate, days: number): void {
  const now = Date.now();
  // Backdated an hour so a client whose clock lags a little still accepts it.
  cert.validity.notBefore = new Date(now - 60 * 60 * 1000);
  cert.validity.notAfter = new Date(now + days * DAY_MS);
}

function expiresWithin(pem: string, days: number): boolean {
  try {
    return new Date(new X509Certificate(pem).validTo).getTime() - Date.now() < days * DAY_MS;
  } catch {
    return true;
  }
}

function serverCertificateUsable(pem: string, caPem: string): boolean {
  if (pem.trim() === "" || expiresWithin(pem, 7)) return false;
  try {
    const cert = new X509Certificate(pem);
    const ca = new X509Certificate(caPem);
    const names = cert.subjectAltName ?? "";
    return cert.checkIssued(ca) && cert.verify(ca.publicKey) && names.includes("DNS:localhost") && names.includes("IP Address:127.0.0.1");
  } catch {
    return false;
  }
}

/**
 * The system's roots, so that a process given SSL_CERT_FILE=<bundle> still reaches public
 * HTTPS hosts. An SSL_CERT_FILE already set by the user is honoured as the base.
 */
function systemRoots(): string {
  const candidates = [process.env.SSL_CERT_FILE, ...SYSTEM_BUNDLES].filter(
    // Never a bundle this module wrote (an SSL_CERT_FILE left over from a run): it would nest.
    (f): f is string => !!f && !f.endsWith(join("ca", "ca-bundle.pem")),
  );
  for (const file of candidates) {
    if (existsSync(file)) {
      const text = readFileSync(file, "utf8");
      return text.endsWith("\n") ? text : `${text}\n`;
    }
  }
  return "";
}
