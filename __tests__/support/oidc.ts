/** HTTP for the OIDC tests: form posts, cookies and redirects seen as they are (never followed), trusting the local CA. */
import { request as httpsRequest } from "node:https";
import { agentFor } from "../../src/local-run/client";

export interface FormResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The Location header, resolved against the request URL. */
  location?: URL;
}

export function formRequest(
  url: string,
  options: { ca: string; method?: string; form?: Record<string, string>; headers?: Record<string, string>; body?: string },
): Promise<FormResult> {
  const payload = options.form ? new URLSearchParams(options.form).toString() : options.body;
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      url,
      {
        method: options.method ?? (payload !== undefined ? "POST" : "GET"),
        agent: agentFor(options.ca),
        headers: {
          ...(payload !== undefined
            ? { "content-type": "application/x-www-form-urlencoded", "content-length": Buffer.byteLength(payload) }
            : {}),
          ...options.headers,
        },
        timeout: 30_000,
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (text += chunk));
        res.on("end", () => {
          const location = res.headers.location;
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, ...(location ? { location: new URL(location, url) } : {}) });
        });
      },
    );
    req.on("timeout", () => req.destroy(new Error(`${url}: no answer within 30 s`)));
    req.on("error", reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}
