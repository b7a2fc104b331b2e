/**
 * The reader against a Management API answering in Auth0's shapes (a recorded-shape fake, since the
 * local tenant only offers Auth0's own trigger ids): a trigger id never reaches a URL unencoded, and a
 * trigger this repository cannot declare is refused with its name and the allowed ids.
 */
import type { HttpResult, RequestOptions } from "../../src/local-run/client";

const requested: string[] = [];
let triggers: string[] = [];
let boundTo: Record<string, number> = {};

jest.mock("../../src/local-run/client", () => ({
  requestJson: async (url: string, _options: RequestOptions): Promise<HttpResult> => {
    const path = new URL(url).pathname;
    requested.push(`${path}${new URL(url).search}`);
    const ok = (body: unknown): HttpResult => ({ status: 200, headers: {}, body });
    if (path === "/api/v2/actions/actions") return ok({ actions: [], total: 0, page: 0, per_page: 100 });
    if (path === "/api/v2/actions/triggers") return ok({ triggers: triggers.map((id) => ({ id, version: "v1", status: "CURRENT" })) });
    const bindings = /^\/api\/v2\/actions\/triggers\/([^/]+)\/bindings$/.exec(path);
    if (bindings) {
      const count = boundTo[decodeURIComponent(bindings[1])] ?? 0;
      return ok({ bindings: Array.from({ length: count }, (_, i) => ({ display_name: `b${i}`, action: { id: `a${i}` } })) });
    }
    if (path === "/api/v2/rules" || path === "/api/v2/hooks") return ok([]);
    return { status: 404, headers: {}, body: { error: "Not Found" } };
  },
}));

// Imported after the mock is declared (jest hoists jest.mock above imports anyway).
import { readTenant, TenantReadError } from "../../src/adopt/reader";

const connection = { url: "https://tenant.example.com", token: "t" };

describe("reading a tenant's triggers", () => {
  beforeEach(() => {
    requested.length = 0;
    boundTo = {};
  });

  it("reads the flows of Auth0 triggers it does not declare, and adopts nothing from them while they are empty", async () => {
    triggers = ["post-login", "password-reset-post-challenge"];
    const snapshot = await readTenant(connection);
    expect(snapshot.bindings).toEqual({});
    expect(requested).toContain("/api/v2/actions/triggers/password-reset-post-challenge/bindings?page=0&per_page=100");
  });

  it("refuses bindings on a trigger it does not declare, naming the trigger and what is allowed", async () => {
    triggers = ["post-login", "password-reset-post-challenge"];
    boundTo = { "password-reset-post-challenge": 1 };
    await expect(readTenant(connection)).rejects.toThrow(TenantReadError);
    await expect(readTenant(connection)).rejects.toThrow(
      /trigger id "password-reset-post-challenge" \(the 1 Action\(s\) bound to it\) is not one this repository declares; adopt accepts post-login, credentials-exchange/,
    );
  });

  it.each(["../../../etc", "post-login/../../x", "a b", "%2e%2e"])("refuses the trigger id %j before using it in a URL", async (id) => {
    triggers = ["post-login", id];
    await expect(readTenant(connection)).rejects.toThrow(/is not one this repository declares/);
    expect(requested.filter((r) => r.includes("/bindings") && !r.startsWith("/api/v2/actions/triggers/post-login/"))).toEqual([]);
  });
});
