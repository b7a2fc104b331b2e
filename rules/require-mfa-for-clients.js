/**
 * Require multi-factor authentication for sensitive applications: those listed in
 * configuration.MFA_CLIENT_IDS, or whose client metadata says require_mfa = "true".
 * Refresh-token exchanges cannot prompt, so they are left alone.
 */
function (user, context, callback) {
  const listed = (configuration.MFA_CLIENT_IDS || '').split(',').map(function (id) { return id.trim(); });
  const sensitive = listed.indexOf(context.clientID) !== -1 || context.clientMetadata.require_mfa === 'true';

  if (sensitive && context.protocol !== 'oauth2-refresh-token') {
    context.multifactor = {
      provider: 'any',
      allowRememberBrowser: false
    };
  }
  callback(null, user, context);
}
