/**
 * Force a fresh login on enterprise connections whose tenant domain is listed, and report
 * whether the session came from SSO.
 */
function (user, context, callback) {
  const strict = (configuration.STRICT_TENANT_DOMAINS || '').split(',');
  const tenantDomain = context.connectionOptions && context.connectionOptions.tenant_domain;
  if (tenantDomain && strict.indexOf(tenantDomain) !== -1 && context.sso.with_auth0) {
    return callback(new UnauthorizedError('Please log in again with your company account.'));
  }
  context.idToken['https://coop.example.com/claims/sso'] = !!(context.sso && context.sso.with_dbconn);
  callback(null, user, context);
}
