/**
 * The converter, construct by construct: each documented Rule → Action mapping, what is left as
 * a MIGRATION_TODO_*, and that fully converted output passes the project's strict type check.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { RuleSyntaxError } from "../../src/migrate/parse-rule";
import { convert, handlerBody, todoMarkers } from "../support/migrate";

const SEED_RULE = readFileSync(join(__dirname, "..", "..", "rules", "add-metadata-to-user-profile.js"), "utf8");

describe("the seed Rule", () => {
  it("becomes a typed handler with the three claims, no callback and no metadata default", async () => {
    const result = await convert(SEED_RULE, {}, "add-metadata-to-user-profile");
    expect(result.fullyConverted).toBe(true);
    expect(result.code).toContain('import type { Event, PostLoginAPI } from "../types/post-login-v3-converted";');
    expect(handlerBody(result.code)).toBe(
      [
        '  const namespace = "";',
        "  if (event.user.app_metadata.usertype) {",
        "    api.idToken.setCustomClaim(`${namespace}/usertype`, event.user.app_metadata.usertype);",
        "  }",
        "  if (event.user.app_metadata.coops) {",
        "    api.idToken.setCustomClaim(`${namespace}/coops`, event.user.app_metadata.coops);",
        "  }",
        "  if (event.user.app_metadata.coopnames) {",
        "    api.idToken.setCustomClaim(`${namespace}/coopnames`, event.user.app_metadata.coopnames);",
        "  }",
      ].join("\n"),
    );
    expect(result.changes.map((c) => c.message)).toContain(
      "removed user.app_metadata = user.app_metadata || {}; (event.user.app_metadata and user_metadata are always objects)",
    );
    expect(result).toMatchObject({ todos: [], typeProblems: [], secrets: [], dependencies: {}, hasContinue: false });
  });

  it("as posted in the forum (braces never closed) is refused with the file, line and column", async () => {
    const posted = SEED_RULE.replace(/\n {2}}\n/g, "\n");
    await expect(convert(posted)).rejects.toThrow(RuleSyntaxError);
    await expect(convert(posted)).rejects.toThrow(/^rules\/test-rule\.js:\d+:\d+: not valid JavaScript/);
  });
});

describe("context and user fields follow the documented table", () => {
  it("maps every documented context read, including userAgent and the geoip casing", async () => {
    const result = await convert(`function (user, context, callback) {
      context.idToken['https://x.example/a'] = [context.clientID, context.clientName, context.clientMetadata.tier, context.connection,
        context.connectionStrategy, context.protocol, context.request.ip, context.request.query.prompt, context.request.hostname,
        context.request.userAgent, context.request.geoip.country_code, context.request.geoip.city_name, context.stats.loginsCount,
        context.authorization.roles, user.email, user.app_metadata.plan];
      callback(null, user, context);
    }`);
    expect(result.fullyConverted).toBe(true);
    const body = handlerBody(result.code);
    for (const expected of [
      "event.client.client_id",
      "event.client.name",
      "event.client.metadata.tier",
      "event.connection.name",
      "event.connection.strategy",
      "event.transaction?.protocol",
      "event.request.ip",
      "event.request.query.prompt",
      "event.request.hostname",
      "event.request.user_agent",
      "event.request.geoip.countryCode",
      "event.request.geoip.cityName",
      "event.stats.logins_count",
      "event.authorization?.roles ?? []",
      "event.user.email",
      "event.user.app_metadata.plan",
    ]) {
      expect(body).toContain(expected);
    }
    expect(body).not.toMatch(/\bcontext\b|\bcallback\b/);
  });

  it("binds to the Rule's parameters by position and scope, not by name", async () => {
    const result = await convert(`function (u, ctx, done) {
      const context = { clientID: 'local' };
      if (u.email_verified) ctx.idToken['https://x.example/c'] = context.clientID + ctx.clientID;
      done(null, u, ctx);
    }`);
    expect(result.fullyConverted).toBe(true);
    expect(handlerBody(result.code)).toContain(
      'api.idToken.setCustomClaim("https://x.example/c", context.clientID + event.client.client_id)',
    );
  });

  it("reads configuration values from secrets, renaming keys that are not UPPER_SNAKE_CASE", async () => {
    const result = await convert(`function (user, context, callback) {
      context.accessToken['https://x.example/k'] = configuration.apiKey + configuration.API_URL;
      callback(null, user, context);
    }`);
    expect(handlerBody(result.code)).toContain("event.secrets.API_KEY + event.secrets.API_URL");
    expect(result.secrets).toEqual([
      { configurationKey: "apiKey", secret: "API_KEY" },
      { configurationKey: "API_URL", secret: "API_URL" },
    ]);
  });

  it("renames the Rule's own `event` and `api` so they cannot shadow the handler's parameters", async () => {
    const result = await convert(`function (user, context, callback) {
      const api = 'https://api.example.com';
      const event = { name: 'login' };
      context.idToken['https://x.example/api'] = api + event.name;
      callback(null, user, context);
    }`);
    expect(result.fullyConverted).toBe(true);
    expect(handlerBody(result.code)).toContain('api.idToken.setCustomClaim("https://x.example/api", ruleApi + ruleEvent.name)');
  });
});

describe("callback becomes return or api.access.deny", () => {
  it("denies with the message of UnauthorizedError, Error or a string, and returns", async () => {
    const result = await convert(`function (user, context, callback) {
      if (!user.email_verified) return callback(new UnauthorizedError('verify your email'));
      if (context.connection === 'legacy') { callback(new Error('legacy is closed')); return; }
      if (context.clientName === 'x') return callback('no x');
      callback(null, user, context);
    }`);
    expect(handlerBody(result.code)).toBe(
      [
        "  if (!event.user.email_verified) {",
        '    api.access.deny("verify your email");',
        "    return;",
        "  }",
        '  if (event.connection.name === "legacy") {',
        '    api.access.deny("legacy is closed");',
        "    return;",
        "  }",
        '  if (event.client.name === "x") {',
        '    api.access.deny("no x");',
        "    return;",
        "  }",
      ].join("\n"),
    );
  });

  it("denies with an error variable's message only when it is set", async () => {
    const result = await convert(`function (user, context, callback) {
      const error = context.clientName === 'blocked' ? new Error('blocked app') : null;
      callback(error, user, context);
    }`);
    expect(result.fullyConverted).toBe(true);
    expect(handlerBody(result.code)).toContain("if (error) {\n    api.access.deny(String(error?.message ?? error));\n  }");
  });

  it("leaves a callback called from a nested function that cannot be inlined as a TODO", async () => {
    const result = await convert(`function (user, context, callback) {
      function deny(reason) { return callback(new UnauthorizedError(reason)); }
      if (!user.email) return deny('email required');
      callback(null, user, context);
    }`);
    expect(result.fullyConverted).toBe(false);
    expect(todoMarkers(result)).toEqual(["MIGRATION_TODO_CALLBACK"]);
    expect(result.code).toContain("MIGRATION_TODO_CALLBACK (Rule line 2)");
  });
});

describe("asynchronous Rules become await", () => {
  it("inlines a Node-style callback continuation after await callbackResults(...)", async () => {
    const result = await convert(`function (user, context, callback) {
      const request = require('request@2.88.2');
      request.get({ url: configuration.PROFILE_URL, json: true }, function (err, response, body) {
        if (err) return callback(err);
        context.idToken['https://x.example/tier'] = body.tier;
        callback(null, user, context);
      });
    }`);
    expect(result.fullyConverted).toBe(true);
    expect(result.dependencies).toEqual({ request: "2.88.2" });
    expect(result.code).toContain('const request = require("request");');
    expect(result.code).toContain("function callbackResults(");
    const body = handlerBody(result.code);
    expect(body).toContain("const [err, , body] = await callbackResults((done) =>");
    expect(body).toContain("if (err) {\n    api.access.deny(String(err?.message ?? err));\n    return;\n  }");
    expect(body).toContain('api.idToken.setCustomClaim("https://x.example/tier", body.tier);');
  });

  it("turns .then/.catch into await in try/catch", async () => {
    const result = await convert(`function (user, context, callback) {
      const axios = require('axios@1.7.9');
      axios.get('https://crm.example.com/u/' + user.user_id)
        .then(function (res) { context.idToken['https://x.example/crm'] = res.data.id; callback(null, user, context); })
        .catch(function (err) { callback(new UnauthorizedError('CRM unavailable')); });
    }`);
    expect(result.fullyConverted).toBe(true);
    expect(handlerBody(result.code)).toContain("try {\n    const res = await axios.get(");
    expect(handlerBody(result.code)).toContain('} catch {\n    api.access.deny("CRM unavailable");\n    return;\n  }');
  });

  it("leaves a continuation that is not the Rule's last step as a TODO", async () => {
    const result = await convert(`function (user, context, callback) {
      setTimeout(function () { callback(null, user, context); }, 10);
      context.idToken['https://x.example/late'] = true;
    }`);
    expect(todoMarkers(result)).toEqual(["MIGRATION_TODO_CALLBACK"]);
  });
});

describe("metadata writes", () => {
  it("writes each key the Rule changed in user.app_metadata, after the update's .then body is inlined", async () => {
    const result = await convert(`function (user, context, callback) {
      user.app_metadata = user.app_metadata || {};
      user.app_metadata.logins = (user.app_metadata.logins || 0) + 1;
      user.app_metadata.roles = user.app_metadata.roles || [];
      user.app_metadata.roles.push('member');
      auth0.users.updateAppMetadata(user.user_id, user.app_metadata)
        .then(function () { callback(null, user, context); })
        .catch(function (err) { callback(err); });
    }`);
    expect(result.fullyConverted).toBe(true);
    const body = handlerBody(result.code);
    expect(body).toContain('api.user.setAppMetadata("logins", event.user.app_metadata.logins);');
    expect(body).toContain('api.user.setAppMetadata("roles", event.user.app_metadata.roles);');
    expect(body).not.toContain("catch");
    expect(result.notes.map((n) => n.message)).toContain(
      "dropped the .catch(...) of the metadata update: api.user.set* does not fail during the login",
    );
  });

  it("writes an object literal key by key, and every key when they cannot be known", async () => {
    const literal = await convert(`function (user, context, callback) {
      auth0.users.updateUserMetadata(user.user_id, { locale: context.request.language, seen: true });
      callback(null, user, context);
    }`);
    expect(handlerBody(literal.code)).toContain(
      'api.user.setUserMetadata("locale", event.request.language);\n  api.user.setUserMetadata("seen", true);',
    );

    const dynamic = await convert(`function (user, context, callback) {
      const key = 'visited_' + context.clientID;
      user.app_metadata[key] = true;
      auth0.users.updateAppMetadata(user.user_id, user.app_metadata);
      callback(null, user, context);
    }`);
    expect(dynamic.fullyConverted).toBe(true);
    expect(handlerBody(dynamic.code)).toContain(
      "for (const [_key, value] of Object.entries(event.user.app_metadata)) api.user.setAppMetadata(_key, value);",
    );
    expect(dynamic.notes.map((n) => n.message).join("\n")).toContain("wrote every key of app_metadata");
  });

  it("refuses the Management API on other users and anything else of auth0", async () => {
    const result = await convert(`function (user, context, callback) {
      auth0.users.updateAppMetadata(context.request.query.other, { linked: true });
      auth0.users.getUsersByEmail(user.email).then(function (users) { callback(null, user, context); });
    }`);
    expect(result.fullyConverted).toBe(false);
    expect(todoMarkers(result)).toEqual(["MIGRATION_TODO_MANAGEMENT_API"]);
    expect(result.todos.map((t) => t.line)).toEqual([2, 3]);
  });
});

describe("login settings", () => {
  it("converts MFA, primary user and the access token's scopes", async () => {
    const result = await convert(`function (user, context, callback) {
      if (context.clientMetadata.require_mfa === 'true') context.multifactor = { provider: 'any', allowRememberBrowser: false };
      context.primaryUser = user.user_id;
      context.accessToken.scope = ['openid', 'profile'];
      callback(null, user, context);
    }`);
    expect(result.fullyConverted).toBe(true);
    const body = handlerBody(result.code);
    expect(body).toContain('api.multifactor.enable("any", {\n      allowRememberBrowser: false,\n    });');
    expect(body).toContain("api.authentication.setPrimaryUser(event.user.user_id);");
    expect(body).toContain('const grantedScopes = scopeList(["openid", "profile"]);');
    expect(body).toContain("api.accessToken.removeScope(scope)");
    expect(body).toContain("api.accessToken.addScope(scope)");
  });

  it("splits a redirect-callback branch into onContinuePostLogin", async () => {
    const result = await convert(`function (user, context, callback) {
      const namespace = 'https://x.example/';
      if (context.protocol === 'redirect-callback') {
        context.idToken[namespace + 'consented'] = true;
        return callback(null, user, context);
      }
      context.redirect = { url: configuration.CONSENT_URL };
      callback(null, user, context);
    }`);
    expect(result.fullyConverted).toBe(true);
    expect(result.hasContinue).toBe(true);
    // The shared constant is read only after the redirect: dropped from onExecutePostLogin (it has no side effect).
    expect(handlerBody(result.code)).toBe("  api.redirect.sendUserTo(event.secrets.CONSENT_URL);");
    expect(handlerBody(result.code, "onContinuePostLogin")).toBe(
      '  const namespace = "https://x.example/";\n  api.idToken.setCustomClaim(namespace + "consented", true);',
    );
  });
});

describe("requires", () => {
  it("hoists versioned requires, keeps built-ins out of dependencies, and asks for a version when none is given", async () => {
    const source = `function (user, context, callback) {
      const crypto = require('crypto');
      const _ = require('lodash');
      context.idToken['https://x.example/h'] = crypto.createHash('sha256').update(_.trim(user.email)).digest('hex');
      callback(null, user, context);
    }`;
    const unknownModule = await convert(source.replace("require('lodash')", "require('validator')"));
    expect(todoMarkers(unknownModule)).toEqual(["MIGRATION_TODO_DEPENDENCY_VERSION"]);
    expect(unknownModule.code).toContain('const _ = MIGRATION_TODO_DEPENDENCY_VERSION(require("validator"));');

    // lodash was one of the Rules runtime's modules: a bare require got its listed version.
    const runtimeDefault = await convert(source);
    expect(runtimeDefault.fullyConverted).toBe(true);
    expect(runtimeDefault.dependencies).toEqual({ lodash: "2.4.2" });
    expect(runtimeDefault.notes.map((n) => n.message).join("\n")).toContain("assumed lodash@2.4.2, the version the Rules runtime provided");

    const pinned = await convert(source, { dependencyVersions: { lodash: "4.17.21" } });
    expect(pinned.fullyConverted).toBe(true);
    expect(pinned.dependencies).toEqual({ lodash: "4.17.21" });
    expect(pinned.code).toContain('const crypto = require("crypto");\nconst _ = require("lodash");');
  });
});

describe("what has no Action equivalent", () => {
  it("marks global, context.sso, context.connectionOptions and unknown user fields, never dropping them", async () => {
    const result = await convert(`function (user, context, callback) {
      global.seen = global.seen || {};
      if (context.sso && context.sso.with_auth0) context.idToken['https://x.example/sso'] = true;
      const tenantDomain = context.connectionOptions.tenant_domain;
      context.idToken['https://x.example/d'] = tenantDomain + user.logins_count;
      callback(null, user, context);
    }`);
    expect(result.fullyConverted).toBe(false);
    expect(todoMarkers(result)).toEqual([
      "MIGRATION_TODO_CONTEXT_CONNECTION_OPTIONS",
      "MIGRATION_TODO_CONTEXT_SSO",
      "MIGRATION_TODO_GLOBAL",
      "MIGRATION_TODO_USER_LOGINS_COUNT",
    ]);
    expect(result.code).toContain("MIGRATION_TODO_GLOBAL.seen = MIGRATION_TODO_GLOBAL.seen || {};");
    expect(result.code).toContain("NOT FULLY CONVERTED");
    // The markers are the only type errors: the rest of the file is already valid.
    expect(result.typeProblems).toEqual([]);
  });

  it("marks every way a Rule keeps state in globals, which a Node 22 Action would share between users", async () => {
    const result = await convert(`function (user, context, callback) {
      globalThis.lastUser = user.user_id;
      loginsSeen = 1;
      context.idToken['https://x.example/u'] = user.user_id;
      callback(null, user, context);
    }`);
    expect(result.fullyConverted).toBe(false);
    expect(todoMarkers(result)).toEqual(["MIGRATION_TODO_GLOBAL"]);
    expect(result.todos.map((todo) => todo.line)).toEqual([2, 3]);
    expect(result.todos[1].message).toMatch(/never declares.*leak from one login \(one user\) to the next/);
    expect(result.code).toContain("MIGRATION_TODO_GLOBAL.lastUser = event.user.user_id;");
    expect(result.code).toContain("MIGRATION_TODO_GLOBAL = 1;");
    expect(result.typeProblems).toEqual([]);
  });
});

describe("type checking", () => {
  it("repairs what strict mode rejects in untyped Rule code, without changing behaviour", async () => {
    const result = await convert(`function (user, context, callback) {
      function isAdmin(roles) { if (roles.indexOf('admin') >= 0) return true; }
      const roles = user.app_metadata.roles || [];
      context.idToken['https://x.example/admin'] = isAdmin(roles) === true;
      context.idToken['https://x.example/domain'] = user.email.split('@')[1];
      context.idToken['https://x.example/n'] = user.app_metadata.count + 1;
      callback(null, user, context);
    }`);
    expect(result.typeProblems).toEqual([]);
    expect(result.fullyConverted).toBe(true);
    expect(result.code).toContain("function isAdmin(roles: any): any {");
    expect(result.code).toContain('event.user.email!.split("@")[1]');
    expect(result.code).toContain("(event.user.app_metadata.count as any) + 1");
  });
});
