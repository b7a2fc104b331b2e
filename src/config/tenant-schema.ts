/**
 * The shape of a tenant file (tenants/<name>.yaml), as a zod schema. Every rule a tenant
 * file must obey lives here, so that a broken file stops before synth with the field named.
 * Field names are snake_case, like Terraform and Auth0's Management API.
 */
import { z } from "zod";
import { droppedClaimReason, claimName, namespaceHostIsReserved, usesReservedNamespace } from "../../actions/lib/claim-rules";
import { AUTH0_LIMITS, SECRET_NAME } from "../auth0-facts";
import { DEPENDENCY_VERSION, ENV_VAR_NAME, HANDLER_NAME } from "../names";
import { isTriggerId, POST_LOGIN, TRIGGER_IDS, type TriggerId } from "../triggers";

/** Host name with an optional port: Auth0 domains, custom domains, or the local tenant (localhost:8443). */
/** Case and a trailing dot are allowed (DNS ignores both); the cross-file checks normalise them. */
const DOMAIN = /^(?=.{1,254}(:|$))([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*\.?(:\d{1,5})?$/i;
/** app_metadata field names that make a sensible claim suffix. */
const FIELD = /^[A-Za-z_][A-Za-z0-9_.-]{0,127}$/;
/** Auth0 binds at most this many Actions to one trigger. */
export const LIMITS_ACTIONS_PER_TRIGGER = AUTH0_LIMITS.actionsPerTrigger;
/** The claims Action's handler (actions/post-login/add-metadata-claims.ts), configured by `claims`. */
export const CLAIMS_HANDLER = "add-metadata-claims";

const claimField = z.string().regex(FIELD, "must be an app_metadata field name: letters, digits, _ . - (starting with a letter or _)");

export const claimsSchema = z
  .object({
    namespace: z
      .string()
      .transform((ns) => ns.replace(/\/+$/, ""))
      .refine((ns) => ns === "" || /^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/.test(ns), {
        message: 'must be "" (claims named /usertype, as the Rule did) or an http(s) URL such as "https://claims.example.com"',
      })
      .refine((ns) => !usesReservedNamespace(ns) && !namespaceHostIsReserved(ns), {
        message: "must not be under auth0.com, webtask.io or webtask.run: Auth0 silently drops such claims",
      }),
    id_token: z.array(claimField).max(50),
    access_token: z.array(claimField).max(50).default([]),
  })
  .strict()
  .superRefine((claims, ctx) => {
    for (const token of ["id_token", "access_token"] as const) {
      const seen = new Set<string>();
      claims[token].forEach((field, index) => {
        if (seen.has(field)) ctx.addIssue({ code: "custom", path: [token, index], message: `"${field}" is listed twice` });
        seen.add(field);
        // With an empty namespace the claim is "/field"; whether Auth0 strips the slash is not
        // documented, so the bare field name must be acceptable too.
        const reason =
          droppedClaimReason(claimName(claims.namespace, field)) ?? (claims.namespace === "" ? droppedClaimReason(field) : undefined);
        if (reason) ctx.addIssue({ code: "custom", path: [token, index], message: `${reason}; choose another field or a namespace` });
      });
    }
  });

const localBackend = z
  .object({
    type: z.literal("local"),
    /** Relative to the repository root; state/ is ignored by git. */
    path: z
      .string()
      .regex(
        /^(?!\/)(?!.*\.\.)[A-Za-z0-9_./-]+\.tfstate$/,
        'must be a relative path inside the repository ending in ".tfstate", e.g. "state/dev.tfstate"',
      )
      .optional(),
  })
  .strict();

const s3Backend = z
  .object({
    type: z.literal("s3"),
    bucket: z.string().min(3),
    key: z.string().min(1),
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region such as "eu-west-1"'),
    /** S3-native state locking (Terraform >= 1.10); no DynamoDB table needed. */
    use_lockfile: z
      .literal(true, { errorMap: () => ({ message: "must be true: two applies to one tenant must never overlap" }) })
      .default(true),
  })
  .strict();

const cloudBackend = z
  .object({
    type: z.literal("cloud"),
    organization: z.string().min(1),
    workspace: z.string().min(1),
    hostname: z.string().regex(DOMAIN).default("app.terraform.io"),
  })
  .strict();

/**
 * Terraform's pg backend (PostgreSQL, with advisory locks). The connection string is a credential:
 * it comes from PG_CONN_STR in the environment, never from this file. One schema per tenant.
 */
const pgBackend = z
  .object({
    type: z.literal("pg"),
    /** Default auth0_<tenant> (set by the stack). */
    schema_name: z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a PostgreSQL schema name: lowercase letters, digits and _, e.g. "auth0_dev"')
      .optional(),
  })
  .strict();

export const backendSchema = z.discriminatedUnion("type", [localBackend, s3Backend, cloudBackend, pgBackend], {
  errorMap: (issue, ctx) =>
    issue.code === "invalid_union_discriminator"
      ? { message: 'must be one of "local", "s3", "cloud", "pg"' }
      : { message: ctx.defaultError },
});

/** A secret the Action reads from event.secrets; its value comes from an environment variable at plan/apply time. */
const secretFromEnv = z
  .object({ env: z.string().regex(ENV_VAR_NAME, "must be an environment variable name such as AUTH0_SECRET_API_KEY") })
  .strict();

/** One Action in a flow: actions/<trigger>/<handler>.ts (or .js: adopted deployed code). */
export const actionEntrySchema = z
  .object({
    handler: z.string().regex(HANDLER_NAME, 'must be a handler file name under actions/<trigger>/ without ".ts", in kebab-case'),
    /** The Action's name in Auth0; default: the handler (the claims Action: "Add metadata to user profile"). */
    name: z.string().min(1).max(100).optional(),
    secrets: z
      .record(
        z.string().regex(SECRET_NAME, "secret names are letters, digits and _ (not starting with a digit), at most 128 characters"),
        secretFromEnv,
      )
      .default({}),
    /**
     * Secret values are write-only: Terraform cannot see them change. Bump this number to send new
     * values (a rotation); adding, removing or renaming a secret is noticed without it.
     */
    secrets_version: z.number().int().min(1).default(1),
    dependencies: z
      .record(
        z.string().min(1),
        z
          .string()
          .regex(
            DEPENDENCY_VERSION,
            'must be a version such as 1.2.3 (exact: recommended), a range such as ^1.2.3, or a dist-tag such as "latest"',
          ),
      )
      .refine((deps) => Object.keys(deps).length <= AUTH0_LIMITS.dependenciesPerAction, {
        message: `Auth0 allows at most ${AUTH0_LIMITS.dependenciesPerAction} dependencies per Action`,
      })
      .default({}),
    // ---- adoption (npm run adopt; docs/adopt.md) ----
    /**
     * The id of an Action that already exists in the tenant: the stack imports it (a Terraform import
     * block). While set, the tenant keeps the Action's deployment and secret values; remove it to manage them here.
     */
    import_id: z.string().min(1).max(100).optional(),
    /** A repository file deployed verbatim as the code, instead of the handler's bundle (adopted code awaiting replacement). */
    adopted_code: z
      .string()
      .regex(
        /^actions\/[a-z0-9-]+\/(?!.*\.\.)[A-Za-z0-9_./-]+\.js$/,
        'must be a .js file under actions/<trigger>/, e.g. "actions/post-login/my-action.js"',
      )
      .optional(),
    /** The binding's display name in the flow. Default: the Action's name. */
    display_name: z.string().min(1).max(100).optional(),
    /** The Action's Node runtime. Default: node22. */
    runtime: z.enum(["node18", "node22"]).optional(),
    /**
     * The handler's previous file name, after renaming it: the stack moves auth0_action.<old> to
     * auth0_action.<new> (a Terraform moved block), so the Action keeps its id, its bindings and
     * its history instead of being deleted and created again. Remove it once every tenant is deployed.
     */
    renamed_from: z.string().regex(HANDLER_NAME, "must be the handler's previous file name, in kebab-case").optional(),
  })
  .strict()
  .refine((entry) => entry.renamed_from !== entry.handler, {
    path: ["renamed_from"],
    message: "is the handler's current name; renamed_from names the file it had before the rename",
  });

/**
 * One Action Module the tenant deploys (actions/modules/<name>/index.ts, docs/action-modules.md).
 * Which Actions use it is read from their code (`import ... from "actions:<name>"`), not listed here.
 */
export const moduleEntrySchema = z
  .object({
    /** npm packages Auth0 installs for the module, name → exact version (kept out of its bundle). */
    dependencies: z
      .record(z.string().min(1), z.string().regex(/^\d+\.\d+\.\d+([-+][\w.]+)?$/, "must be an exact version such as 1.2.3"))
      .default({}),
  })
  .strict();

const modulesSchema = z
  .record(
    z.string(),
    moduleEntrySchema.nullable().transform((entry) => entry ?? { dependencies: {} }),
  )
  .superRefine((modules, ctx) => {
    for (const name of Object.keys(modules)) {
      if (!HANDLER_NAME.test(name))
        ctx.addIssue({ code: "custom", path: [name], message: "must be a folder name under actions/modules/, in kebab-case" });
    }
  });

const flowMode = z.enum(["append", "authoritative"]);

/**
 * One flow: the Actions bound to one trigger, in this order.
 * append: one auth0_trigger_action per Action; bindings made elsewhere are left alone (safe default).
 * authoritative: auth0_trigger_actions owns the whole flow; bindings made elsewhere are removed.
 */
export const flowSchema = z
  .object({
    mode: flowMode.default("append"),
    /** Import the flow's existing bindings (entries with import_id) into Terraform: npm run adopt sets it. */
    import_bindings: z.boolean().optional(),
    actions: z
      .array(actionEntrySchema)
      .min(1, "a flow binds at least one Action; remove the flow instead")
      .max(LIMITS_ACTIONS_PER_TRIGGER, `Auth0 binds at most ${LIMITS_ACTIONS_PER_TRIGGER} Actions per trigger`),
  })
  .strict();

const flowsSchema = z.record(z.string(), flowSchema).superRefine((flows, ctx) => {
  for (const id of Object.keys(flows)) {
    if (!isTriggerId(id))
      ctx.addIssue({ code: "custom", path: [id], message: `unknown trigger; must be one of: ${TRIGGER_IDS.join(", ")}` });
  }
});

/** What a tenant file may contain: the `flows` shape, or the legacy post-login fields (normalised below). */
const tenantFileSchema = z
  .object({
    domain: z
      .string()
      .regex(DOMAIN, 'must be a host name such as "coop-dev.eu.auth0.com" (a port is allowed, e.g. "localhost:8443"); no scheme, no path'),
    /** Settings of the claims Action (add-metadata-claims), wherever it is bound. */
    claims: claimsSchema,
    /** One flow per trigger id (src/triggers.ts), e.g. post-login, credentials-exchange. */
    flows: flowsSchema.optional(),
    /** Action Modules the tenant deploys: `<name>: {}` per folder actions/modules/<name>/ (docs/action-modules.md). */
    modules: modulesSchema.optional(),
    /** Legacy: the mode of the post-login flow. Use flows.post-login.mode (`npm run tenants:migrate`). */
    post_login_flow: flowMode.optional(),
    /** Legacy: post-login Actions bound after the claims Action. Use flows.post-login.actions. */
    actions: z
      .array(actionEntrySchema)
      .max(LIMITS_ACTIONS_PER_TRIGGER - 1)
      .optional(),
    backend: backendSchema.default({ type: "local" }),
    /** The tenant whose deployed code must match before this one may be deployed by `npm run promote`. */
    promotes_from: z
      .string()
      .regex(/^[a-z0-9-]+$/)
      .optional(),
  })
  .strict();

export type ActionEntry = z.infer<typeof actionEntrySchema>;
export type FlowConfig = z.infer<typeof flowSchema>;
export type ModuleEntry = z.infer<typeof moduleEntrySchema>;
export type Flows = Partial<Record<TriggerId, FlowConfig>>;

/** A tenant file after validation: always the `flows` shape. */
export const tenantSchema = tenantFileSchema.transform((file, ctx) => {
  const { flows: declared, post_login_flow, actions, ...rest } = file;
  let flows: Flows;
  if (declared !== undefined) {
    for (const legacy of ["post_login_flow", "actions"] as const) {
      if (file[legacy] !== undefined) {
        ctx.addIssue({
          code: "custom",
          path: [legacy],
          message: `legacy field next to flows: move it into flows.${POST_LOGIN} (npm run tenants:migrate does it)`,
        });
      }
    }
    flows = declared;
    const postLogin = flows[POST_LOGIN]?.actions ?? [];
    if (!postLogin.some((a) => a.handler === CLAIMS_HANDLER)) {
      ctx.addIssue({
        code: "custom",
        path: ["flows", POST_LOGIN, "actions"],
        message: `must bind the claims Action (- handler: ${CLAIMS_HANDLER}) that the claims settings configure`,
      });
    }
  } else {
    // The legacy shape: the claims Action first, then the listed post-login Actions.
    flows = {
      [POST_LOGIN]: {
        mode: post_login_flow ?? "append",
        actions: [actionEntrySchema.parse({ handler: CLAIMS_HANDLER }), ...(actions ?? [])],
      },
    };
  }
  // The handler names the Terraform resource (auth0_action.<handler>): two entries would be one resource.
  const seen = new Map<string, string>();
  for (const [trigger, flow] of Object.entries(flows)) {
    flow?.actions.forEach((action, index) => {
      const path =
        declared !== undefined
          ? ["flows", trigger, "actions", index, "handler"]
          : action.handler === CLAIMS_HANDLER && index === 0
            ? []
            : ["actions", index - 1, "handler"];
      const where = seen.get(action.handler);
      if (where !== undefined) {
        ctx.addIssue({
          code: "custom",
          path,
          message: `"${action.handler}" is already bound in this tenant (${where}); each handler appears once`,
        });
      }
      seen.set(action.handler, trigger);
    });
  }
  // A moved block's source must be gone from the configuration, and two Actions cannot come from one.
  const renamedFrom = new Set<string>();
  for (const [trigger, flow] of Object.entries(flows)) {
    flow?.actions.forEach((action, index) => {
      if (action.renamed_from === undefined) return;
      const path = declared !== undefined ? ["flows", trigger, "actions", index, "renamed_from"] : ["actions", index - 1, "renamed_from"];
      if (seen.has(action.renamed_from) || renamedFrom.has(action.renamed_from)) {
        ctx.addIssue({
          code: "custom",
          path,
          message: `"${action.renamed_from}" is still a handler of this tenant or is renamed twice; renamed_from names a handler no entry uses any more`,
        });
      }
      renamedFrom.add(action.renamed_from);
    });
  }
  return { ...rest, flows };
});

/** The flows of a tenant in trigger-table order, each with its trigger id. */
export function flowList(flows: Flows): Array<{ trigger: TriggerId } & FlowConfig> {
  return TRIGGER_IDS.flatMap((trigger) => {
    const flow = flows[trigger];
    return flow ? [{ trigger, ...flow }] : [];
  });
}

export type TenantFile = z.infer<typeof tenantSchema>;

/** A validated tenant file with the names it is known by. */
export interface Tenant extends TenantFile {
  /** File name without extension; also the stack name (`cdktf deploy <name>`). */
  readonly name: string;
  /** Path of the tenant file, relative to the working directory, for messages. */
  readonly file: string;
}

/** One thing wrong with a tenant file: what every error message names. */
export interface ConfigProblem {
  file: string;
  /** Dotted path such as "claims.id_token[2]", or "" for the whole file. */
  field: string;
  message: string;
}
export type ClaimsConfig = z.infer<typeof claimsSchema>;
export type BackendConfig = z.infer<typeof backendSchema>;
