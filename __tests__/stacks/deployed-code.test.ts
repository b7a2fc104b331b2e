/**
 * Invariant 1: what is tested is what is deployed. The code string is taken out of each
 * synthesized stack, unescaped exactly as Terraform does, and run the way Auth0 calls it, with
 * event.secrets as the stack deploys them. The code may be adopted (written outside this
 * project): it runs in the Action sandbox, never in the test process.
 */
import { runPostLoginSandboxed as runPostLogin } from "../../src/sandbox/sandboxed-outcome";
import { postLoginEvent, SEED_APP_METADATA } from "../support/events";
import { deployedAction, synthRepositoryTenants } from "../support/synth";

const stacks = synthRepositoryTenants();

describe.each(stacks.map((s) => [s.tenant.name, s] as const))("the code deployed to %s", (_name, { parsed, tenant }) => {
  const { code, secrets } = deployedAction(parsed);

  it("gives the seed's user exactly the three claims under the tenant's namespace", async () => {
    const outcome = await runPostLogin(code, postLoginEvent({ app_metadata: SEED_APP_METADATA, secrets }));
    expect(outcome.error).toBeUndefined();
    const ns = tenant.claims.namespace;
    expect(outcome.idTokenClaims).toEqual({
      [`${ns}/usertype`]: "member",
      [`${ns}/coops`]: ["coop-north", "coop-south"],
      [`${ns}/coopnames`]: ["Coop North", "Coop South"],
    });
    expect(outcome.denied).toBeUndefined();
  });

  it("sets no claim and does not fail the login for a user without app_metadata", async () => {
    const outcome = await runPostLogin(code, postLoginEvent({ app_metadata: undefined, secrets }));
    expect(outcome).toMatchObject({ idTokenClaims: {}, accessTokenClaims: {} });
    expect(outcome.error).toBeUndefined();
  });
});

it("exports onExecutePostLogin from a CommonJS module and nothing that Auth0 would call by mistake", async () => {
  const { code, secrets } = deployedAction(stacks[0].parsed);
  const event = postLoginEvent({ app_metadata: SEED_APP_METADATA, secrets });
  expect((await runPostLogin(code, event)).error).toBeUndefined();
  const afterRedirect = await runPostLogin(code, event, { entryPoint: "onContinuePostLogin" });
  expect(afterRedirect.error).toBe("the code does not export onContinuePostLogin");
});
