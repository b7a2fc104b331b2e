/**
 * Just enough of the Auth0 Management API, over HTTPS on localhost, for the provider to refresh
 * an Action and a post-login binding: the two reads a drift check makes. Each test decides what
 * "Auth0 has now"; anything else answers 404 so an unexpected call cannot pass silently.
 * (The full local tenant lives in src/local-tenant; this keeps the plan tier independent of it.)
 */
import { generateKeyPairSync } from "node:crypto";
import { writeFileSync } from "node:fs";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import forge from "node-forge";

export interface FakeTenantData {
  /** Action id -> the Action as GET /api/v2/actions/actions/{id} returns it. */
  actions: Record<string, Record<string, unknown>>;
  /** post-login bindings: [{ action id, display name }]. */
  bindings: Array<{ actionId: string; displayName: string }>;
}

export interface FakeManagementApi {
  /** "localhost:<port>": the tenant's domain. */
  domain: string;
  /** A CA bundle holding the server's certificate: give it to Terraform as SSL_CERT_FILE. */
  caFile: string;
  requests: string[];
  close(): Promise<void>;
}

function selfSignedCertificate(): { key: string; cert: string } {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: "spki", format: "pem" }).toString());
  cert.serialNumber = "01";
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 24 * 3600_000);
  const subject = [{ name: "commonName", value: "localhost" }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: "basicConstraints", cA: true },
    { name: "keyUsage", keyCertSign: true, digitalSignature: true, keyEncipherment: true },
    {
      name: "subjectAltName",
      altNames: [
        { type: 2, value: "localhost" },
        { type: 7, ip: "127.0.0.1" },
      ],
    },
  ]);
  const key = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  cert.sign(forge.pki.privateKeyFromPem(key), forge.md.sha256.create());
  return { key, cert: forge.pki.certificateToPem(cert) };
}

export async function startFakeManagementApi(dir: string, data: FakeTenantData): Promise<FakeManagementApi> {
  const { key, cert } = selfSignedCertificate();
  const caFile = join(dir, "fake-auth0-ca.pem");
  writeFileSync(caFile, cert);
  const requests: string[] = [];
  const server: Server = createServer({ key, cert }, (req, res) => {
    const url = new URL(req.url ?? "/", "https://localhost");
    requests.push(`${req.method} ${url.pathname}`);
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    const action = /^\/api\/v2\/actions\/actions\/([^/]+)$/.exec(url.pathname);
    if (req.method === "GET" && action && data.actions[action[1]]) return send(200, { id: action[1], ...data.actions[action[1]] });
    if (req.method === "GET" && url.pathname === "/api/v2/actions/actions") {
      // The list verify reads (same-named Actions, for orphans): filtered by actionName, one page.
      const name = url.searchParams.get("actionName");
      const page = Number(url.searchParams.get("page") ?? 0);
      const listed = Object.entries(data.actions)
        .filter(([, a]) => name === null || a.name === name)
        .map(([id, a]) => ({ id, ...a }));
      return send(200, {
        actions: page === 0 ? listed : [],
        ...(page === 0 && listed.length > 0 ? { total: listed.length } : { page }),
        per_page: 100,
      });
    }
    if (req.method === "GET" && url.pathname === "/api/v2/actions/triggers/post-login/bindings") {
      const page = Number(url.searchParams.get("page") ?? 0);
      const bindings = page === 0 ? data.bindings : [];
      // As the real API pages: `total` on the first page only. (Sending it on every page without
      // start/limit makes the provider's pagination loop forever.)
      return send(200, {
        bindings: bindings.map((b, i) => ({
          id: `bnd_${i}`,
          trigger_id: "post-login",
          display_name: b.displayName,
          action: { id: b.actionId, name: b.displayName },
        })),
        ...(page === 0 ? { total: data.bindings.length } : { page }),
        per_page: 100,
      });
    }
    return send(404, { statusCode: 404, error: "Not Found", message: `not served by the fake: ${req.method} ${url.pathname}` });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { domain: `localhost:${port}`, caFile, requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
