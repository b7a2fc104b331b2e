/**
 * The one error the constructs and stacks throw for props they cannot build (after the example of
 * AWS CDK's ValidationError): a stable `code` that scripts and tests match on instead of the wording,
 * and the construct path (`construct.node.path`, e.g. "dev/claims") that says which tenant and which
 * Action. The message reads `<path>: <what is wrong, the field and what is allowed> [<CODE>]`.
 * It is a UserFacingError: `cdktf synth` and every command print the message alone.
 */
import type { IConstruct } from "constructs";
import { UserFacingError } from "../errors";

/** Every code, one per check: add one here with its check (and its case in __tests__/stacks/validation-errors.test.ts). */
export const VALIDATION_ERROR_CODES = [
  /** An Action's trigger is not a row of src/triggers.ts. */
  "TRIGGER_UNKNOWN",
  /** An Action's trigger version is not the one the handlers' types are written for. */
  "TRIGGER_VERSION_UNSUPPORTED",
  /** A setting or secret name is not a valid Action secret name (SECRET_NAME). */
  "SECRET_NAME_INVALID",
  /** One name is both a setting and a secret of the same Action. */
  "SECRET_NAME_CONFLICT",
  /** More settings and secrets than Auth0 allows per Action. */
  "TOO_MANY_SECRETS",
  /** An Action's code (bundled or adopted) is over Auth0's size limit. */
  "ACTION_CODE_TOO_LARGE",
  /** An Action requires an Action Module the tenant does not deploy. */
  "MODULE_NOT_DEPLOYED",
  /** An Action Module's name is not a kebab-case folder name. */
  "MODULE_NAME_INVALID",
  /** An Action Module's dependency is not pinned to an exact version. */
  "DEPENDENCY_VERSION_NOT_EXACT",
  /** The claims Action's `claims` props fail the tenant-file schema. */
  "CLAIMS_INVALID",
  /** A flow entry's `adopted_code` file does not exist. */
  "ADOPTED_CODE_MISSING",
  /** A flow entry names a handler the stack declares no auth0_action for. */
  "ADOPTED_ACTION_MISSING",
] as const;

export type ValidationErrorCode = (typeof VALIDATION_ERROR_CODES)[number];

export class ConstructValidationError extends UserFacingError {
  /** Where the props were given: the construct's path, or the path the construct was to have. */
  readonly path: string;

  /**
   * `scope`: the construct whose props are wrong. `childId`: the id of a construct not created yet
   * because its props are wrong (the path is then `<scope path>/<childId>`).
   */
  constructor(
    readonly code: ValidationErrorCode,
    scope: IConstruct,
    /** What is wrong: the field, the value and what is allowed (without the path or the code). */
    readonly detail: string,
    childId?: string,
  ) {
    const path = [scope.node.path, childId].filter((part) => part !== undefined && part !== "").join("/");
    super(`${path}: ${detail} [${code}]`);
    this.name = "ConstructValidationError";
    this.path = path;
  }
}
