/**
 * Handlers for the shape-change tests: names starting with "trans-" get fixed code for their
 * trigger (a post-login one sets a claim named after itself, so a login shows which ran), every
 * other handler (the claims Action) is bundled for real. Tests must not write into actions/.
 *
 * Use in a test file:
 *   jest.mock("../../src/bundle/bundle-action", () => jest.requireActual("../support/transition-handlers").bundleModuleWithTransitionHandlers());
 */
import { createHash } from "node:crypto";

export const TRANSITION_CLAIM_PREFIX = "https://transitions.example.com/";

/** The code a "trans-*" handler bundles to on `trigger`. */
export function transitionHandlerCode(trigger: string, handler: string): string {
  if (trigger === "post-login") {
    return (
      `// ${handler}\n` +
      `exports.onExecutePostLogin = async (event, api) => {\n` +
      `  api.idToken.setCustomClaim(${JSON.stringify(TRANSITION_CLAIM_PREFIX + handler)}, true);\n` +
      `};\n`
    );
  }
  if (trigger === "credentials-exchange") {
    return `// ${handler}\nexports.onExecuteCredentialsExchange = async (event, api) => {};\n`;
  }
  throw new Error(`transition-handlers: no test code for trigger ${trigger}`);
}

export function bundleModuleWithTransitionHandlers(): Record<string, unknown> {
  const actual = jest.requireActual("../../src/bundle/bundle-action");
  const fixed = (trigger: string, handler: string) => {
    const code = transitionHandlerCode(trigger, handler);
    return { code, sha256: createHash("sha256").update(code).digest("hex"), inputs: [], modules: [] };
  };
  return {
    ...actual,
    bundlePostLoginHandler: (handler: string, ...rest: unknown[]) =>
      handler.startsWith("trans-") ? fixed("post-login", handler) : actual.bundlePostLoginHandler(handler, ...rest),
    bundleActionHandler: (trigger: string, handler: string, ...rest: unknown[]) =>
      handler.startsWith("trans-") ? fixed(trigger, handler) : actual.bundleActionHandler(trigger, handler, ...rest),
  };
}
