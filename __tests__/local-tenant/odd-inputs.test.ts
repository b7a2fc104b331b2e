/**
 * Odd requests against the local tenant: each answers a 4xx in Auth0's shape (hapi's, for what the
 * HTTP layer refuses), never a 500, and the tenant keeps serving afterwards. Bodies marked
 * "recorded" are verbatim from the provider's go-vcr recordings of a real tenant; the others follow
 * Auth0's validator wording ('Payload validation error: ...') or hapi's defaults, as docs/local-tenant.md says.
 */
import type { IncomingHttpHeaders } from "node:http";
import { request } from "node:https";
import { connect, type TLSSocket } from "node:tls";
import { gzipSync } from "node:zlib";
import { startLocalTenant, type LocalTenant } from "../../src/local-tenant/server";
import { UserDirectory } from "../../src/local-tenant/users";
import { tempDir } from "../support/local-tenant";

type Json = Record<string, any>;
interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Json | string | undefined;
}

let tenant: LocalTenant;
beforeAll(async () => {
  tenant = await startLocalTenant({
    stateDir: tempDir("odd"),
    port: 0,
    users: UserDirectory.of({}),
    dependencies: "syntax",
    timeouts: { requestMs: 1000, idleMs: 2000 },
  });
});
afterAll(async () => {
  await tenant?.close();
});

/** One request on its own connection (a refused body must not leave bytes for the next request). */
function send(
  method: string,
  path: string,
  body?: string | Buffer,
  headers: Record<string, string> = {},
  token: string | null = tenant.token,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${tenant.url}${path}`,
      { method, agent: false, ca: tenant.caPem, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers } },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (text += chunk));
        res.on("end", () => {
          let parsed: Json | string | undefined = text === "" ? undefined : text;
          try {
            parsed = text === "" ? undefined : (JSON.parse(text) as Json);
          } catch {
            /* keep the text */
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed });
        });
      },
    );
    req.on("error", reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

const json = (value: unknown) => JSON.stringify(value);
const JSON_TYPE = { "content-type": "application/json" };
const ACTION = {
  name: "odd",
  supported_triggers: [{ id: "post-login", version: "v3" }],
  code: "exports.onExecutePostLogin = async () => {};",
};
const createAction = (body: unknown, headers = JSON_TYPE) =>
  send("POST", "/api/v2/actions/actions", typeof body === "string" ? body : json(body), headers);
const payloadError = (message: string) => ({ statusCode: 400, error: "Bad Request", message, errorCode: "invalid_body" });

describe("Action bodies Auth0's schema rejects", () => {
  it("unknown fields, at the top and nested", async () => {
    expect((await createAction({ ...ACTION, foo: 1 })).body).toEqual(
      payloadError("Payload validation error: 'Additional properties not allowed: foo'."),
    );
    const nested = await createAction({ ...ACTION, supported_triggers: [{ id: "post-login", version: "v3", extra: true }] });
    expect(nested.status).toBe(400);
    expect(nested.body).toEqual(
      payloadError("Payload validation error: 'Additional properties not allowed: extra' on property supported_triggers[0]."),
    );
    // JSON.parse makes "__proto__" an own key: it is one more unknown field, not a prototype.
    const proto = await createAction(`{"__proto__": {"polluted": true}, ${json(ACTION).slice(1)}`);
    expect(proto.body).toEqual(payloadError("Payload validation error: 'Additional properties not allowed: __proto__'."));
    expect(({} as Json).polluted).toBeUndefined();
  });

  it("code over 100 kB, wrong types, missing fields", async () => {
    const big = await createAction({ ...ACTION, code: "x".repeat(100 * 1024 + 1) });
    expect(big.status).toBe(400);
    expect(big.body).toEqual(
      payloadError("Payload validation error: 'String is too long (102401 chars), maximum 102400' on property code."),
    );
    expect((await createAction({ ...ACTION, code: "x".repeat(100 * 1024) })).status).toBe(201);
    expect((await createAction({ ...ACTION, name: 42 })).body).toEqual(
      payloadError("Payload validation error: 'Expected type string but found type integer' on property name."),
    );
    const { name: _name, ...nameless } = ACTION;
    expect((await createAction(nameless)).body).toEqual(payloadError("Payload validation error: 'Missing required property: name'."));
    expect((await createAction([ACTION])).body).toEqual(
      payloadError("Payload validation error: 'Expected type object but found type array'."),
    );
    expect((await createAction("null")).status).toBe(400);
  });

  it("trigger ids and versions, including names an object inherits", async () => {
    for (const id of ["constructor", "__proto__", "toString", "hasOwnProperty", "no-such-trigger"]) {
      const answer = await createAction({ ...ACTION, supported_triggers: [{ id, version: "v3" }] });
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual(
        payloadError(`Payload validation error: 'No enum match for: ${id}' on property supported_triggers[0].id.`),
      );
    }
    const version = await createAction({ ...ACTION, supported_triggers: [{ id: "post-login", version: "v9" }] });
    expect(version.body).toEqual(
      payloadError(`Payload validation error: 'No enum match for: v9' on property supported_triggers[0].version.`),
    );
    expect((await createAction({ ...ACTION, runtime: "node8" })).body).toEqual(
      payloadError(`Payload validation error: 'No enum match for: node8' on property runtime.`),
    );
  });

  it("unknown fields in an update and in a bindings body", async () => {
    const created = await createAction(ACTION);
    const id = (created.body as Json).id as string;
    const patch = await send("PATCH", `/api/v2/actions/actions/${id}`, json({ deployed: true }), JSON_TYPE);
    expect(patch.body).toEqual(payloadError("Payload validation error: 'Additional properties not allowed: deployed'."));
    const bindings = await send("PATCH", "/api/v2/actions/triggers/post-login/bindings", json({ bindings: [], order: 1 }), JSON_TYPE);
    expect(bindings.body).toEqual(payloadError("Payload validation error: 'Additional properties not allowed: order'."));
    const ref = await send(
      "PATCH",
      "/api/v2/actions/triggers/post-login/bindings",
      json({ bindings: [{ ref: { type: "id", value: id } }] }),
      JSON_TYPE,
    );
    expect(ref.body).toEqual(payloadError(`Payload validation error: 'No enum match for: id' on property bindings[0].ref.type.`));
  });
});

describe("Auth0's own bodies for missing things", () => {
  it("an unknown Action, by id, by version and by binding reference (recorded)", async () => {
    const recorded = { statusCode: 404, error: "Not Found", message: "That action does not exist." };
    const unknown = await send("GET", "/api/v2/actions/actions/09ee2b9b-282d-4a65-87d1-f01adf007745");
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual(recorded);
    expect((await send("GET", "/api/v2/actions/actions/constructor/versions/toString")).body).toEqual(recorded);
    const bind = await send(
      "PATCH",
      "/api/v2/actions/triggers/post-login/bindings",
      json({ bindings: [{ ref: { type: "action_name", value: "constructor" } }] }),
      JSON_TYPE,
    );
    expect(bind.body).toEqual(recorded);
  });

  it("prototype-named triggers are unknown triggers, for reads and writes", async () => {
    for (const trigger of ["__proto__", "constructor", "toString", "valueOf"]) {
      const expected = {
        statusCode: 404,
        error: "Not Found",
        message: `The trigger "${trigger}" does not exist.`,
        errorCode: "inexistent_trigger",
      };
      const read = await send("GET", `/api/v2/actions/triggers/${trigger}/bindings`);
      expect([read.status, read.body]).toEqual([404, expected]);
      const write = await send("PATCH", `/api/v2/actions/triggers/${trigger}/bindings`, json({ bindings: [] }), JSON_TYPE);
      expect([write.status, write.body]).toEqual([404, expected]);
    }
  });

  it("an unknown route (recorded)", async () => {
    expect((await send("GET", "/api/v2/no-such-thing")).body).toEqual({ statusCode: 404, error: "Not Found", message: "Not Found" });
  });
});

describe("what the HTTP layer refuses, as hapi answers it", () => {
  it("content types: a body without one is 415, a non-JSON type is 415, broken JSON is 400", async () => {
    const untyped = await createAction({ ...ACTION, name: "sent-without-content-type" }, {} as typeof JSON_TYPE);
    expect([untyped.status, untyped.body]).toEqual([
      415,
      { statusCode: 415, error: "Unsupported Media Type", message: "Unsupported Media Type" },
    ]);
    // Refused means not created.
    const listed = await send("GET", "/api/v2/actions/actions?per_page=100");
    expect((listed.body as { actions: Array<{ name: string }> }).actions.map((a) => a.name)).not.toContain("sent-without-content-type");
    const text = await createAction(json(ACTION), { "content-type": "text/plain" });
    expect([text.status, text.body]).toEqual([
      415,
      { statusCode: 415, error: "Unsupported Media Type", message: "Unsupported Media Type" },
    ]);
    expect((await createAction(json(ACTION), { "content-type": "multipart/form-data; boundary=x" })).status).toBe(415);
    const broken = await createAction("{not json");
    expect([broken.status, broken.body]).toEqual([
      400,
      { statusCode: 400, error: "Bad Request", message: "Invalid request payload JSON format" },
    ]);
  });

  it("oversized and compressed bodies", async () => {
    const big = await createAction(json({ ...ACTION, code: "x".repeat(2 * 1024 * 1024) }));
    expect([big.status, big.body]).toEqual([
      413,
      { statusCode: 413, error: "Request Entity Too Large", message: "Payload content length greater than maximum allowed: 1048576" },
    ]);
    // A small gzip body that inflates past the limit is refused the same way.
    const gzipped = { ...JSON_TYPE, "content-encoding": "gzip" };
    const bomb = await send("POST", "/api/v2/actions/actions", gzipSync(Buffer.alloc(5 * 1024 * 1024, 32)), gzipped);
    expect(bomb.status).toBe(413);
    expect((await send("POST", "/api/v2/actions/actions", gzipSync(json(ACTION)), gzipped)).status).toBe(201);
    const notGzip = await createAction(json(ACTION), { ...JSON_TYPE, "content-encoding": "gzip" } as typeof JSON_TYPE);
    expect([notGzip.status, notGzip.body]).toEqual([400, { statusCode: 400, error: "Bad Request", message: "Invalid compressed payload" }]);
    expect((await createAction(json(ACTION), { ...JSON_TYPE, "content-encoding": "compress" } as typeof JSON_TYPE)).status).toBe(415);
  });

  it("bad encodings: invalid UTF-8 in a body, a malformed percent-encoded path, a wrong Content-Length", async () => {
    const invalidUtf8 = Buffer.concat([
      Buffer.from('{"name":"'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from(`","supported_triggers":[{"id":"post-login","version":"v3"}]}`),
    ]);
    const utf8 = await send("POST", "/api/v2/actions/actions", invalidUtf8, JSON_TYPE);
    expect(utf8.status).toBe(201);
    expect((utf8.body as Json).name).toBe("\uFFFD\uFFFD");
    const path = await send("GET", "/api/v2/actions/actions/%E0%A4%A");
    expect([path.status, path.body]).toEqual([400, { statusCode: 400, error: "Bad Request", message: "Bad Request" }]);
    const length = await send("POST", "/api/v2/actions/actions", json(ACTION), { ...JSON_TYPE, "content-length": "5" });
    expect(length.status).toBe(400);
    expect((length.body as Json).statusCode).toBe(400);
  });

  it("query strings out of range", async () => {
    const page = await send("GET", "/api/v2/actions/actions?page=abc");
    expect(page.status).toBe(400);
    expect((page.body as Json).errorCode).toBe("invalid_query_string");
  });
});

describe("/oauth/token with malformed client authentication", () => {
  const form = { "content-type": "application/x-www-form-urlencoded" };
  const denied = { error: "access_denied", error_description: "Unauthorized" };
  it.each([
    ["not base64", "Basic !!!"],
    ["no colon", `Basic ${Buffer.from("just-an-id").toString("base64")}`],
    ["broken percent-encoding", `Basic ${Buffer.from("a%zz:b%").toString("base64")}`],
    ["empty", "Basic "],
  ])("%s: 401 access_denied", async (_name, authorization) => {
    const answer = await send("POST", "/oauth/token", "grant_type=client_credentials", { ...form, authorization }, null);
    expect([answer.status, answer.body]).toEqual([401, denied]);
  });

  it("a JSON body that is not an object is an unsupported grant, not a crash", async () => {
    const answer = await send("POST", "/oauth/token", "[1,2]", JSON_TYPE, null);
    expect(answer.status).toBe(403);
    expect((answer.body as Json).error).toBe("unsupported_grant_type");
  });
});

describe("a sweep of prototype names in every path parameter, query and body", () => {
  it("answers every combination below 500", async () => {
    const names = ["__proto__", "constructor", "toString"];
    const paths = names.flatMap((x) => [
      `/api/v2/actions/actions/${x}`,
      `/api/v2/actions/actions/${x}/deploy`,
      `/api/v2/actions/actions/${x}/versions?page=${x}&per_page=${x}`,
      `/api/v2/actions/actions/${x}/versions/${x}`,
      `/api/v2/actions/actions/${x}/versions/${x}/deploy`,
      `/api/v2/actions/triggers/${x}/bindings?page=${x}`,
      `/api/v2/actions/actions?triggerId=${x}&actionName=${x}&deployed=${x}&${x}=1`,
      `/api/v2/users/${x}`,
      `/api/v2/users/auth0%7C${x}%25zz`,
    ]);
    const bodies = [
      undefined,
      "{}",
      "[]",
      "null",
      '"text"',
      `{"__proto__":{"name":"x"},"constructor":{"prototype":1}}`,
      `{"bindings":{"__proto__":[]}}`,
      `{"password":{"length":99}}`,
    ];
    const seen = new Set<number>();
    for (const path of paths) {
      for (const method of ["GET", "POST", "PATCH", "DELETE"]) {
        for (const body of method === "GET" ? [undefined] : bodies) {
          const answer = await send(method, path, body, body === undefined ? {} : JSON_TYPE);
          seen.add(answer.status);
          if (answer.status >= 500) throw new Error(`${method} ${path} ${body ?? ""}: ${answer.status} ${json(answer.body)}`);
        }
      }
    }
    // The authentication API's endpoints, with odd bodies and credentials.
    const authBodies = [
      `{"grant_type":"client_credentials","client_id":"__proto__","client_secret":"x","audience":"constructor"}`,
      `{"grant_type":"client_credentials","client_id":{"a":1},"client_secret":["x"]}`,
      `{"grant_type":["client_credentials"]}`,
      `{"connection":"Username-Password-Authentication","email":"a@b","password":{"toString":1},"user_metadata":[1]}`,
      `{"connection":"constructor","email":"__proto__@x","password":"p","username":{"__proto__":1}}`,
      "[]",
      "null",
    ];
    for (const path of ["/oauth/token", "/dbconnections/signup", "/local/login", "/u/login", "/userinfo"]) {
      for (const body of authBodies) {
        const answer = await send("POST", path, body, JSON_TYPE, null);
        seen.add(answer.status);
        if (answer.status >= 500) throw new Error(`POST ${path} ${body}: ${answer.status} ${json(answer.body)}`);
      }
    }
    // The OIDC endpoints with prototype names in every query parameter.
    const query = [
      "client_id",
      "redirect_uri",
      "response_type",
      "scope",
      "state",
      "code_challenge",
      "code_challenge_method",
      "response_mode",
      "state",
      "returnTo",
    ]
      .map((k, i) => `${k}=${["__proto__", "constructor", "toString"][i % 3]}`)
      .join("&");
    for (const path of ["/authorize", "/u/login", "/userinfo", "/v2/logout", "/.well-known/openid-configuration"]) {
      const answer = await send("GET", `${path}?${query}&__proto__[x]=1`, undefined, {}, null);
      seen.add(answer.status);
      if (answer.status >= 500) throw new Error(`GET ${path}: ${answer.status} ${json(answer.body)}`);
    }
    expect([...seen].every((status) => status < 500)).toBe(true);
    expect(seen.has(404)).toBe(true);
  }, 120_000);
});

describe("connections", () => {
  function openTls(): Promise<TLSSocket> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: "127.0.0.1", port: tenant.port, servername: "localhost", ca: tenant.caPem }, () => resolve(socket));
      socket.on("error", reject);
    });
  }
  function closed(socket: TLSSocket): Promise<string> {
    let received = "";
    socket.on("data", (chunk: Buffer) => (received += chunk.toString("utf8")));
    return new Promise((resolve) => socket.on("close", () => resolve(received)));
  }

  it("closes a connection that drips its request in, answering 408", async () => {
    const socket = await openTls();
    const done = closed(socket);
    socket.write("POST /api/v2/actions/actions HTTP/1.1\r\nHost: localhost\r\n");
    // One header byte at a time, well inside the idle limit each time, never finishing the request.
    const drip = setInterval(() => {
      if (!socket.destroyed) socket.write("X");
    }, 100);
    const received = await done;
    clearInterval(drip);
    expect(received).toMatch(/^HTTP\/1\.1 408 /);
  });

  it("closes a connection that sends nothing", async () => {
    const socket = await openTls();
    await closed(socket);
    expect(socket.destroyed).toBe(true);
  });

  it("still serves after every odd request above", async () => {
    const answer = await send("GET", "/api/v2/actions/actions");
    expect(answer.status).toBe(200);
    expect(tenant.requests.filter((r) => r.status >= 500)).toEqual([]);
  });
});
