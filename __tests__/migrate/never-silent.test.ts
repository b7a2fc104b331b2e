/**
 * Never silent: what a Rule did that an Action cannot do the same way (write to the user or the
 * context, end without calling callback, fail with a value that is not a string) is converted
 * exactly where Auth0 documents an equivalent, and otherwise left as a MIGRATION_TODO_* that fails
 * type-checking, with the Rule line. Async Rules convert like callback Rules; a bare require gets
 * the Rules runtime's version. The read-only types catch a wrong conversion written by hand.
 */
import { checkAndRepair } from "../../src/migrate/type-check";
import { formatTypeScript } from "../../src/migrate/emit";
import { convert, handlerBody, todoMarkers } from "../support/migrate";

describe("writes to the event", () => {
  it("turns user writes, deletes and context writes into TODOs with their Rule lines", async () => {
    const result = await convert(`function (user, context, callback) {
      user.picture = 'https://img.example/' + user.user_id;
      delete user['family_name'];
      context.request.query.prompt = 'login';
      user.identities.push({ provider: 'x' });
      callback(null, user, context);
    }`);
    expect(result.fullyConverted).toBe(false);
    expect(result.todos.map((t) => [t.line, t.marker])).toEqual([
      [2, "MIGRATION_TODO_USER_WRITE"],
      [3, "MIGRATION_TODO_USER_WRITE"],
      [4, "MIGRATION_TODO_CONTEXT_WRITE"],
      [5, "MIGRATION_TODO_USER_WRITE"],
    ]);
    // The value the Rule computed stays visible; the write itself is gone.
    expect(handlerBody(result.code)).toContain('MIGRATION_TODO_USER_WRITE("https://img.example/" + event.user.user_id);');
    expect(result.code).not.toMatch(/^\s*event\.user\.picture =/m);
  });

  it("keeps local changes inside app_metadata (mirrored by set calls when the Rule saved them)", async () => {
    const result = await convert(`function (user, context, callback) {
      user.app_metadata.visits = (user.app_metadata.visits || 0) + 1;
      auth0.users.updateAppMetadata(user.user_id, user.app_metadata).then(function () { callback(null, user, context); });
    }`);
    expect(result.fullyConverted).toBe(true);
    expect(handlerBody(result.code)).toContain('api.user.setAppMetadata("visits", event.user.app_metadata.visits);');
  });

  it("a hand-made conversion that writes to the event or denies with an untyped value does not type-check", async () => {
    const wrong = `import type { Event, PostLoginAPI } from "../types/post-login-v3-converted";
export const onExecutePostLogin = async (event: Event, api: PostLoginAPI): Promise<void> => {
  const profile = event.user;
  profile.picture = "x";
  const body: any = JSON.parse("{}");
  api.access.deny(body.reason);
};
`;
    const checked = await checkAndRepair(wrong, "hand-made", formatTypeScript);
    expect(checked.problems.map((p) => p.code)).toEqual([2540]);
    expect(checked.denyReasons).toEqual([{ ruleLine: 0, code: "body.reason" }]);
    expect(checked.code).toContain("api.access.deny(MIGRATION_TODO_DENY_REASON(body.reason));");
  });
});

describe("exits without callback", () => {
  it("denies where the Rule returned or ran off its end without calling callback, as a TODO", async () => {
    const result = await convert(`function (user, context, callback) {
      if (!user.email) {
        return;
      }
      if (user.email_verified) {
        return callback(null, user, context);
      }
    }`);
    expect(todoMarkers(result)).toEqual(["MIGRATION_TODO_NO_CALLBACK"]);
    expect(result.todos.map((t) => t.line)).toEqual([3, 8]);
    expect(handlerBody(result.code)).toContain(
      '    api.access.deny(MIGRATION_TODO_NO_CALLBACK("The login could not be completed."));\n    return;\n  }',
    );
    expect(
      handlerBody(result.code).trimEnd().endsWith('api.access.deny(MIGRATION_TODO_NO_CALLBACK("The login could not be completed."));'),
    ).toBe(true);
  });

  it("leaves Rules that always call back alone, through if/else, try/catch and a throw", async () => {
    const result = await convert(`function (user, context, callback) {
      try {
        if (user.email) { callback(null, user, context); } else { throw new Error('no email'); }
      } catch (e) {
        return callback(e);
      }
    }`);
    expect(todoMarkers(result)).toEqual([]);
  });
});

describe("deny reasons", () => {
  it("converts a string message and marks an untyped one with its Rule line", async () => {
    const result = await convert(`function (user, context, callback) {
      var reason = user.app_metadata.lock_reason;
      if (reason) return callback(new UnauthorizedError(reason));
      if (!user.email_verified) return callback(new UnauthorizedError('verify ' + user.email));
      callback(null, user, context);
    }`);
    expect(result.todos).toEqual([expect.objectContaining({ line: 3, marker: "MIGRATION_TODO_DENY_REASON" })]);
    expect(result.code).toContain('api.access.deny("verify " + event.user.email);');
    expect(result.code).not.toContain("Rule line 4");
  });
});

describe("async Rules and module versions", () => {
  it("converts an async Rule like a callback Rule, awaits included", async () => {
    const result = await convert(`async function (user, context, callback) {
      const axios = require('axios@1.7.9');
      const res = await axios.get('https://api.example/u/' + user.user_id);
      if (res.data.blocked) return callback(new UnauthorizedError('blocked'));
      context.idToken['https://x.example/plan'] = res.data.plan;
      callback(null, user, context);
    }`);
    expect(result.fullyConverted).toBe(true);
    expect(handlerBody(result.code)).toContain('const res = await axios.get("https://api.example/u/" + event.user.user_id);');
  });

  it("assumes the Rules runtime's version for a bare require, lets --dependency override it, and says which", async () => {
    const source =
      "function (user, context, callback) { const request = require('request'); request.get('https://x.example', function () { callback(null, user, context); }); }";
    const assumed = await convert(source);
    expect(assumed.dependencies).toEqual({ request: "2.27.0" });
    expect(assumed.notes.map((n) => n.message)).toContain(
      "require('request') names no version: assumed request@2.27.0, the version the Rules runtime provided (Auth0's Rules modules list: ~2.27.0); pass --dependency request@<version> to choose another",
    );
    const chosen = await convert(source, { dependencyVersions: { request: "2.88.2" } });
    expect(chosen.dependencies).toEqual({ request: "2.88.2" });
    expect(chosen.notes.map((n) => n.message).join("\n")).not.toContain("assumed");
  });
});

describe("documented mappings", () => {
  it("maps context.authentication (timestamps back to milliseconds), context.riskAssessment and Duo's options", async () => {
    const result = await convert(`function (user, context, callback) {
      var mfa = context.authentication.methods.find(function (m) { return m.name === 'mfa'; });
      if (!mfa && context.riskAssessment.confidence !== 'high') {
        context.multifactor = { provider: 'duo', ikey: configuration.DUO_IKEY, skey: configuration.DUO_SKEY, host: 'api-1.duosecurity.com', allowRememberBrowser: true };
      }
      callback(null, user, context);
    }`);
    expect(result.fullyConverted).toBe(true);
    const body = handlerBody(result.code);
    expect(body).toContain("ruleAuthenticationMethods(event.authentication?.methods).find(");
    expect(body).toContain("(event.authentication?.riskAssessment)!.confidence");
    expect(body).toContain('api.multifactor.enable("duo", {');
    expect(body).toContain("providerOptions: {");
    expect(result.code).toContain("timestamp: Date.parse(method.timestamp)");
  });

  it("still refuses options Actions do not have (ignoreCookie) and context.sso", async () => {
    const result = await convert(`function (user, context, callback) {
      if (context.sso.with_auth0) context.multifactor = { provider: 'guardian', ignoreCookie: true };
      callback(null, user, context);
    }`);
    expect(todoMarkers(result)).toEqual(["MIGRATION_TODO_CONTEXT_SSO", "MIGRATION_TODO_MULTIFACTOR"]);
  });
});
