/**
 * One tenant's Terraform session: the stack's workdir is opened once and `terraform init` runs once,
 * on first use; plan, apply, the state and the Action ids are then read in that same workdir. Every
 * command (plan, drift, verify, deploy, promote) runs on sessions, so a command costs one init per
 * tenant however many rounds it makes.
 *
 * Action ids come from the last saved plan's `prior_state` (the state as the plan refreshed it) when
 * there is one, else from `terraform show -json` of the state; an apply forgets them, since it may
 * have created or replaced Actions.
 */
import { UserFacingError } from "../errors";
import {
  savedPlan,
  terraformApply,
  terraformInit,
  terraformStateResources,
  type ApplyOptions,
  type SavedPlan,
  type StateResource,
} from "./commands";
import { redactSecrets } from "./redaction";
import type { PreparedRun, PreparedTenant } from "./tenant-run";
import { openStackWorkdir, type StackWorkdir } from "./workdir";

export interface SessionOptions {
  /** Use `<dir>/<tenant>.tfstate` instead of the tenant's backend (see workdir.ts). */
  localStateDir?: string;
  /** Progress lines, already prefixed with the tenant's name. */
  log?: (line: string) => void;
}

/** Resource address (e.g. "auth0_action.add_metadata_claims") → the Action's id in the tenant. */
export type ActionIds = Readonly<Record<string, string>>;

export class TenantSession {
  private workdir?: StackWorkdir;
  private initialised?: Promise<void>;
  private ids?: ActionIds;

  constructor(
    readonly prepared: PreparedTenant,
    /** The environment Terraform runs with (PreparedRun.env). */
    readonly env: NodeJS.ProcessEnv,
    private readonly options: SessionOptions = {},
  ) {}

  get tenant(): string {
    return this.prepared.tenant.name;
  }

  /** A saved plan with `args` (e.g. -refresh-only); its prior state also gives the Action ids. */
  async plan(args: readonly string[] = []): Promise<SavedPlan> {
    const dir = await this.ready();
    this.log(`terraform plan${args.length > 0 ? ` ${args.join(" ")}` : ""}`);
    const saved = await savedPlan(dir, args, this.env);
    this.ids = actionIdsOf(saved.plan.prior_state?.values?.root_module?.resources ?? []);
    return saved;
  }

  /** `terraform apply -auto-approve`; the Action ids are read again afterwards. */
  async apply(options: Omit<ApplyOptions, "stackDir"> = {}): Promise<void> {
    const dir = await this.ready();
    this.ids = undefined;
    this.log("terraform apply");
    await terraformApply(dir, this.env, { ...options, stackDir: this.prepared.stackDir });
  }

  /** The managed resources the state records now. */
  async stateResources(): Promise<StateResource[]> {
    const dir = await this.ready();
    this.log("reading the state (terraform show)");
    return terraformStateResources(dir, this.env);
  }

  /** The Action ids the state records (from the last plan when there has been one since the last apply). */
  async actionIds(): Promise<ActionIds> {
    this.ids ??= actionIdsOf(await this.stateResources());
    return this.ids;
  }

  /** Removes the temporary workdir, if one was made. Safe to call twice. */
  dispose(): void {
    this.workdir?.dispose();
    this.workdir = undefined;
    this.initialised = undefined;
  }

  private async ready(): Promise<string> {
    if (!this.initialised) {
      this.workdir = openStackWorkdir(this.prepared.stackDir, this.tenant, { localStateDir: this.options.localStateDir });
      this.log("terraform init");
      const init = terraformInit(this.workdir.dir, this.env);
      // A failed init is not cached: the next call tries again (e.g. after the mirror was built).
      this.initialised = init.catch((error: unknown) => {
        this.initialised = undefined;
        throw error;
      });
    }
    await this.initialised;
    return this.workdir!.dir;
  }

  private log(line: string): void {
    this.options.log?.(`${this.tenant}: ${line}`);
  }
}

/** Runs `body` on a session for `prepared` and always disposes of it. */
export async function withTenantSession<T>(
  prepared: PreparedTenant,
  run: Pick<PreparedRun, "env">,
  options: SessionOptions,
  body: (session: TenantSession) => Promise<T>,
): Promise<T> {
  const session = new TenantSession(prepared, run.env, options);
  try {
    return await body(session);
  } finally {
    session.dispose();
  }
}

function actionIdsOf(
  resources: ReadonlyArray<{ address?: string; type?: string; mode?: string; values?: Record<string, unknown> }>,
): ActionIds {
  return Object.fromEntries(
    resources
      .filter((r) => r.type === "auth0_action" && r.mode !== "data" && typeof r.address === "string" && typeof r.values?.id === "string")
      .map((r) => [r.address as string, r.values!.id as string]),
  );
}

/** How many tenants `plan` and `deploy` run at once unless told (`--concurrency`). */
export const DEFAULT_TENANT_CONCURRENCY = 4;

export interface ForEachTenantOptions extends SessionOptions {
  /**
   * How many tenants run at once. Each tenant has its own Management API client (and so its own
   * 429 backoff), so one tenant's rate limit never fails another.
   * @default 1
   */
  concurrency?: number;
}

/**
 * The loop every multi-tenant command shares: one session per prepared tenant, at most
 * `concurrency` at a time, results in the order of `run.tenants`. A user-facing failure of one
 * tenant (Terraform, the Management API, the artifact) becomes `onFailure(tenant, message)` with
 * every secret value of the run's environment redacted, and the others go on. Anything else is a bug
 * and propagates. With `describe`, each tenant's end is logged as one line, in the order tenants
 * finish: "dev: 2 to add, 0 to change, 0 to destroy (3/20 done)".
 */
export async function forEachTenant<T>(
  run: PreparedRun,
  options: ForEachTenantOptions,
  body: (session: TenantSession) => Promise<T>,
  onFailure: (tenant: string, message: string) => T,
  describe?: (result: T) => string,
): Promise<T[]> {
  const results: T[] = new Array<T>(run.tenants.length);
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < run.tenants.length) {
      const index = next++;
      const prepared = run.tenants[index];
      try {
        results[index] = await withTenantSession(prepared, run, options, body);
      } catch (error) {
        if (!(error instanceof UserFacingError)) throw error;
        results[index] = onFailure(prepared.tenant.name, redactSecrets(error.message, run.env));
      }
      done += 1;
      if (describe) options.log?.(`${prepared.tenant.name}: ${describe(results[index])} (${done}/${run.tenants.length} done)`);
    }
  };
  const lanes = Math.max(1, Math.min(options.concurrency ?? 1, run.tenants.length));
  await Promise.all(Array.from({ length: lanes }, worker));
  return results;
}
