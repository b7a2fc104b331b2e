/**
 * The claims Action, the replacement for the Rule "Add metadata to user profile": an Auth0Action
 * on post-login running actions/post-login/add-metadata-claims.ts, plus its one setting, the
 * CLAIMS_CONFIG secret written from a tenant file's `claims` section. The props are validated
 * here, so a stack built outside tenant files fails just as clearly.
 */
import { Annotations } from "cdktf";
import { Construct } from "constructs";
import { CLAIMS_HANDLER, claimsSchema, type ClaimsConfig } from "../config/tenant-schema";
import { claimsSecretValue, DEFAULT_CLAIMS_ACTION_NAME } from "../config/claims-settings";
import { CLAIMS_CONFIG_SECRET } from "../../actions/post-login/add-metadata-claims";
import { Auth0Action, type Auth0ActionProps } from "./auth0-action";
import { ConstructValidationError } from "./validation-error";

export interface ClaimsActionProps {
  /** Namespace and fields, as in a tenant file's `claims` section. */
  readonly claims: ClaimsConfig;
  /** @default "Add metadata to user profile", the Rule's name, so the dashboard reads the same. */
  readonly name?: string;
  /** Further props of the Action (secrets from the environment, dependencies) from the flow entry. */
  readonly action?: Pick<Auth0ActionProps, "secretsFromEnv" | "secretsVersion" | "dependencies" | "modules">;
}

/** The claims Action: the Auth0Action for add-metadata-claims with its CLAIMS_CONFIG setting. */
export function claimsAction(scope: Construct, id: string, props: ClaimsActionProps): Auth0Action {
  const parsed = claimsSchema.safeParse(props.claims);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    // The Action is not created: the error names the path it would have had.
    throw new ConstructValidationError("CLAIMS_INVALID", scope, `claims.${first.path.join(".")}: ${first.message}`, id);
  }
  const claims = parsed.data;
  const action = new Auth0Action(scope, id, {
    ...props.action,
    trigger: "post-login",
    handler: CLAIMS_HANDLER,
    name: props.name ?? DEFAULT_CLAIMS_ACTION_NAME,
    settings: { [CLAIMS_CONFIG_SECRET]: claimsSecretValue(claims) },
  });
  if (claims.namespace === "") {
    Annotations.of(action).addWarning(
      'claims.namespace is "": claims are named /usertype etc. as the Rule named them. Tenants still on the legacy ' +
        '"namespaced claims only" setting drop them silently; a URL namespace you control is recommended.',
    );
  }
  return action;
}
