/**
 * A one-resource app for the targetVersions test (cdktn-parity.test.ts), run as
 * `node --require compat/cdktn/register.cjs __tests__/compat/write-only-app.ts <outdir>`.
 * cdktn 0.24 registers write-only usage for top-level attributes such as auth0_client_credentials'
 * client_secret_wo (a nested one, such as auth0_action's secrets_wo.value, is not checked yet), so
 * this stack is where the declared Terraform versions are put to the test. A placeholder, no secret.
 */
import { App, TerraformStack } from "cdktf";
import { Auth0Provider } from "../../.gen/providers/auth0/provider/index";
import { ClientCredentials } from "../../.gen/providers/auth0/client-credentials/index";

const app = new App({ outdir: process.argv[2], stackTraces: false });
const stack = new TerraformStack(app, "write-only");
new Auth0Provider(stack, "auth0", { domain: "localhost:8443" });
new ClientCredentials(stack, "credentials", {
  clientId: "placeholder-client",
  authenticationMethod: "client_secret_post",
  clientSecretWo: "placeholder-value",
  clientSecretWoVersion: 1,
});
app.synth();
