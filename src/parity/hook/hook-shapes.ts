/**
 * The arguments the Hooks runtime gave each Hook type, built from a fixture's Action event, in
 * the shapes Auth0's Hooks reference documents (each type's starter code and sample runner body;
 * docs/hook-fields.md lists the sources). Written on purpose apart from the converter's Hook →
 * Action table (src/migrate/hook/hook-types.ts): when a row of that table gives a field another
 * meaning than the Hook had (a prefixed id where the Hook had none), the Hook and the converted
 * Action see different values and parity reports the difference.
 */
import type { HookType } from "../../migrate/hook/hook-types";

/** The Hook's arguments before `context, cb`, and its `context` without `webtask` (the runtime adds it). */
export interface HookInputs {
  args: unknown[];
  context: Record<string, unknown>;
}

type Fields = Record<string, unknown>;

function object(value: unknown): Fields {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Fields) : {};
}

/** "auth0|abc123" → "abc123": the database Hooks' user.id ("user GUID without "auth0|" database prefix"). */
function idWithoutPrefix(userId: unknown): string | undefined {
  if (typeof userId !== "string") return undefined;
  const bar = userId.indexOf("|");
  return bar === -1 ? userId : userId.slice(bar + 1);
}

/** "203.0.113.10" → "::ffff:203.0.113.10": pre-user-registration's context.request.ip was "in IPv6 format". */
function ipv6Form(ip: unknown): string | undefined {
  if (typeof ip !== "string") return undefined;
  return ip.includes(":") ? ip : `::ffff:${ip}`;
}

/** context.connection of the registration and password Hooks: its tenant is the tenant's name. */
function connectionContext(event: Fields): Fields {
  const connection = object(event.connection);
  return { id: connection.id, name: connection.name, tenant: object(event.tenant).id };
}

const BUILDERS: Record<HookType, (event: Fields) => HookInputs> = {
  // (client, scope, audience, context, cb): client.{id,name,tenant,metadata}; scope "array of
  // strings ... or undefined"; audience the token's audience; context.webtask (and the request body).
  "credentials-exchange": (event) => {
    const client = object(event.client);
    const scope = object(event.accessToken).scope;
    return {
      args: [
        { id: client.client_id, name: client.name, tenant: object(event.tenant).id, metadata: client.metadata },
        Array.isArray(scope) && scope.length > 0 ? [...(scope as unknown[])] : undefined,
        object(event.resource_server).identifier,
      ],
      context: { body: object(event.request).body },
    };
  },
  // (user, context, cb): the user about to be created (no id yet), the signup's language and IP.
  "pre-user-registration": (event) => {
    const user = object(event.user);
    const request = object(event.request);
    return {
      args: [
        {
          tenant: object(event.tenant).id,
          username: user.username,
          email: user.email,
          // user.password, emailVerified and phoneNumberVerified are not modelled: the Action's
          // event has none of them, so the converter never carries a Hook that reads them over.
          phoneNumber: user.phone_number,
          user_metadata: user.user_metadata,
          app_metadata: user.app_metadata,
        },
      ],
      context: {
        requestLanguage: request.language,
        request: { ip: ipv6Form(request.ip), language: request.language },
        connection: connectionContext(event),
      },
    };
  },
  // (user, context, cb): the user just created; user.id without the "auth0|" prefix.
  "post-user-registration": (event) => {
    const user = object(event.user);
    return {
      args: [
        {
          id: idWithoutPrefix(user.user_id),
          tenant: object(event.tenant).id,
          username: user.username,
          email: user.email,
          emailVerified: user.email_verified,
          phoneNumber: user.phone_number,
          phoneNumberVerified: user.phone_verified,
          user_metadata: user.user_metadata,
          app_metadata: user.app_metadata,
        },
      ],
      context: { requestLanguage: object(event.request).language, connection: connectionContext(event) },
    };
  },
  // (user, context, cb): user.id as in post-user-registration (the sample shows "abc123").
  "post-change-password": (event) => {
    const user = object(event.user);
    return {
      args: [
        {
          id: idWithoutPrefix(user.user_id),
          username: user.username,
          email: user.email,
          last_password_reset: user.last_password_reset,
        },
      ],
      context: { connection: connectionContext(event) },
    };
  },
  // (recipient, text, context, cb): the message's details at the top of context, the
  // application under context.client (client_metadata), the user under context.user (user_id with its prefix).
  "send-phone-message": (event) => {
    const message = object(event.message_options);
    const request = object(event.request);
    const client = event.client === undefined ? undefined : object(event.client);
    const user = object(event.user);
    return {
      args: [message.recipient, message.text],
      context: {
        message_type: message.message_type,
        action: message.action,
        language: request.language,
        code: message.code,
        ip: request.ip,
        user_agent: request.user_agent,
        ...(client ? { client: { client_id: client.client_id, name: client.name, client_metadata: client.metadata } } : {}),
        user: {
          user_id: user.user_id,
          name: user.name,
          email: user.email,
          app_metadata: user.app_metadata,
          user_metadata: user.user_metadata,
        },
      },
    };
  },
};

/** The Hook's documented inputs for one run of `hookType`, read from the Action's event (JSON values only). */
export function documentedHookInputs(hookType: HookType, event: Record<string, unknown>): HookInputs {
  const inputs = BUILDERS[hookType](event);
  // Copied one by one: an absent argument (no scope granted) stays undefined rather than null.
  return { args: inputs.args.map((arg) => (arg === undefined ? undefined : jsonCopy(arg))), context: jsonCopy(inputs.context) };
}

function jsonCopy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
