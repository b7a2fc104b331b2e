/**
 * Which `api` methods exist for each trigger, by their documented paths (Auth0's Actions reference,
 * the latest version of each trigger). The sandbox builds the `api` object from this list, so a typo
 * such as `api.idToken.setCustomClam` is a TypeError inside the Action, as on Auth0, and is never
 * recorded. Which of them answer with a value (cache, redirect tokens, rules.wasExecuted) is decided
 * inside the sandbox (child/bootstrap.cjs, `returning`); every other method returns `api` for chaining.
 */

const CACHE = ["cache.get", "cache.set", "cache.delete"];

export const API_METHODS: Readonly<Record<string, readonly string[]>> = {
  "post-login": [
    "access.deny",
    "accessToken.setCustomClaim",
    "accessToken.addScope",
    "accessToken.removeScope",
    "authentication.challengeWith",
    "authentication.challengeWithAny",
    "authentication.enrollWith",
    "authentication.enrollWithAny",
    "authentication.recordMethod",
    "authentication.setPrimaryUser",
    ...CACHE,
    "idToken.setCustomClaim",
    "multifactor.enable",
    "redirect.encodeToken",
    "redirect.sendUserTo",
    "redirect.validateToken",
    "rules.wasExecuted",
    "samlResponse.setAttribute",
    "samlResponse.setAudience",
    "samlResponse.setIssuer",
    "samlResponse.setRecipient",
    "samlResponse.setLifetimeInSeconds",
    "user.setAppMetadata",
    "user.setUserMetadata",
  ],
  "credentials-exchange": [
    "access.deny",
    "accessToken.setCustomClaim",
    "transaction.addTargetScope",
    "transaction.removeTargetScope",
    "transaction.setTargetScopes",
    "transaction.clearTargetScopes",
    ...CACHE,
  ],
  "pre-user-registration": ["access.deny", "user.setAppMetadata", "user.setUserMetadata", "validation.error", ...CACHE],
  "post-user-registration": [...CACHE],
  "post-change-password": [...CACHE],
  "send-phone-message": [...CACHE],
};

/** The api methods of a trigger; undefined when the sandbox does not know the trigger. */
export function apiMethodsOf(trigger: string): readonly string[] | undefined {
  return Object.prototype.hasOwnProperty.call(API_METHODS, trigger) ? API_METHODS[trigger] : undefined;
}
