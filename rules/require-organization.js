/** The supplier portal is for organization members only; the organization goes into the token. */
function (user, context, callback) {
  if (context.clientMetadata && context.clientMetadata.b2b === 'true') {
    if (!context.organization) {
      return callback(new UnauthorizedError('Log in through your organization.'));
    }
    context.accessToken['https://coop.example.com/org'] = context.organization.name;
    context.accessToken['https://coop.example.com/org_tier'] = context.organization.metadata.tier || 'standard';
  }
  callback(null, user, context);
}
