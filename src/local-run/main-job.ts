/**
 * The repository's main job on the embedded default (`npm start`): start the local tenant,
 * deploy the `local` tenant stack to it with the real Terraform and provider, log a user in,
 * verify the ID token against the tenant's JWKS, and stop what was started.
 */
import { join } from "node:path";
import { REPO_ROOT } from "../paths";
import { loadTenants, type Tenant } from "../config/load-tenants";
import { flowList } from "../config/tenant-schema";
import { synthTenants } from "../synth/synth-tenants";
import { verifyIdToken, requestJson } from "./client";
import { localTerraformEnv, stackRunner } from "./deploy";
import { describeForeignBindings, foreignBindings, managedActionIds, readBindings, type ForeignBinding } from "./foreign-bindings";
import { LOCAL_APP } from "../local-tenant/login";
import { startLocalTenant, type LocalTenant } from "../local-tenant/server";
import { SEED_USER } from "../local-tenant/users";
import { UserFacingError } from "../errors";

export const LOCAL_TENANT_NAME = "local";

export interface MainJobOptions {
  tenantsDir?: string;
  tenantName?: string;
  /** Where stacks are synthesized; state lands in <outdir>/../state as the stack declares. Default: the repository's cdktf.out. */
  outdir?: string;
  stateDir?: string;
  usersDir?: string;
  user?: string;
  /** Asked when the flow holds bindings Terraform does not manage; true lets the apply remove them. */
  confirmRemoval?: (foreign: ForeignBinding[]) => Promise<boolean>;
  progress?: (line: string) => void;
  /** Extra environment for terraform (e.g. TF_PLUGIN_CACHE_DIR). */
  terraformEnv?: NodeJS.ProcessEnv;
}

export interface MainJobResult {
  claims: Record<string, unknown>;
  /** Milliseconds per step, for the benchmark. */
  timings: Record<string, number>;
}

export class ForeignBindingsError extends UserFacingError {
  constructor(
    readonly foreign: ForeignBinding[],
    readonly trigger = "post-login",
  ) {
    super(
      `The ${trigger} flow has ${foreign.length} binding(s) this stack does not manage; the authoritative flow would remove them:\n` +
        `${describeForeignBindings(foreign)}\n` +
        `Nothing was changed. Bind them in the tenant file (flows.${trigger}.actions), remove them yourself,` +
        " or re-run with --replace-foreign-bindings to let the apply remove them.\n" +
        "(If the Terraform state file was deleted while the local tenant kept its Actions, delete the local tenant's tenant.json as well to start afresh.)",
    );
    this.name = "ForeignBindingsError";
  }
}

export class LocalDeployError extends UserFacingError {}

/** The tenant file to deploy locally, with the port its domain names. */
export function localTenantTarget(tenantsDir: string, name: string): { tenant: Tenant; port: number } {
  const tenants = loadTenants(tenantsDir);
  const tenant = tenants.find((t) => t.name === name);
  if (!tenant)
    throw new LocalDeployError(`${tenantsDir}: no tenant file "${name}.yaml" (tenants: ${tenants.map((t) => t.name).join(", ")})`);
  const match = /^(localhost|127\.0\.0\.1):(\d+)$/.exec(tenant.domain);
  if (!match)
    throw new LocalDeployError(`${tenant.file}: domain: must be "localhost:<port>" to deploy to the local tenant, not "${tenant.domain}"`);
  return { tenant, port: Number(match[2]) };
}

export async function deployAndLogin(options: MainJobOptions = {}): Promise<MainJobResult> {
  const progress = options.progress ?? (() => undefined);
  const timings: Record<string, number> = {};
  const timed = async <T>(step: string, fn: () => Promise<T> | T): Promise<T> => {
    const started = performance.now();
    try {
      return await fn();
    } finally {
      timings[step] = Math.round(performance.now() - started);
    }
  };

  const tenantsDir = options.tenantsDir ?? join(REPO_ROOT, "tenants");
  const { tenant: config, port } = localTenantTarget(tenantsDir, options.tenantName ?? LOCAL_TENANT_NAME);

  progress(`starting the local tenant on https://${config.domain}`);
  const tenant: LocalTenant = await timed("start tenant", () =>
    startLocalTenant({
      port,
      ...(options.stateDir ? { stateDir: options.stateDir } : {}),
      ...(options.usersDir ? { usersDir: options.usersDir } : {}),
    }).catch((error: NodeJS.ErrnoException) => {
      if (error.code === "EADDRINUSE")
        throw new LocalDeployError(
          `port ${port} is in use: stop the process holding it (another local tenant?) or change the domain in ${config.file}`,
        );
      throw error;
    }),
  );
  try {
    const outdir = options.outdir ?? join(REPO_ROOT, "cdktf.out");
    progress(`synthesizing stack "${config.name}" into ${outdir}`);
    const [stack] = await timed("synth", () => synthTenants([config], outdir));

    const env = localTerraformEnv(tenant, options.terraformEnv);
    const terraform = stackRunner(stack.dir, env, (line) => progress(`  terraform: ${line}`));
    progress("terraform init");
    await timed("terraform init", () => terraform.init());

    for (const { trigger } of flowList(config.flows).filter((f) => f.mode === "authoritative")) {
      progress(`checking the ${trigger} flow for bindings Terraform does not manage`);
      await timed("foreign binding check", async () => {
        const shown = await terraform.run(["show", "-json", "-no-color"], { quiet: true });
        const managed = managedActionIds(shown.code === 0 && shown.stdout.trim() ? JSON.parse(shown.stdout) : {});
        const foreign = foreignBindings(await readBindings(tenant.url, tenant.token, { ca: tenant.caPem, trigger }), managed);
        if (foreign.length === 0) return;
        progress(`found ${foreign.length} binding(s) made outside Terraform:\n${describeForeignBindings(foreign)}`);
        const confirmed = options.confirmRemoval ? await options.confirmRemoval(foreign) : false;
        if (!confirmed) throw new ForeignBindingsError(foreign, trigger);
        progress("confirmed: the apply will remove them");
      });
    }

    progress("terraform apply");
    await timed("terraform apply", () => terraform.apply());

    const user = options.user ?? SEED_USER;
    progress(`logging in "${user}"`);
    const login = await timed("login", () =>
      requestJson<{ id_token?: string; error?: string; error_description?: string }>(`${tenant.url}/local/login`, {
        method: "POST",
        body: { user },
        ca: tenant.caPem,
      }),
    );
    if (login.status !== 200 || !login.body.id_token) {
      throw new LocalDeployError(
        `login of "${user}" failed: ${login.status} ${login.body.error ?? ""} ${login.body.error_description ?? ""}`.trim(),
      );
    }
    progress("verifying the ID token against the tenant's JWKS");
    const claims = await timed("verify", () =>
      verifyIdToken(tenant.url, login.body.id_token!, { ca: tenant.caPem, audience: LOCAL_APP.client_id }),
    );
    return { claims: claims, timings };
  } finally {
    progress("stopping the local tenant");
    await tenant.close();
  }
}
