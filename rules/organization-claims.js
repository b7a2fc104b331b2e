/**
 * For logins through an organization, add its display name and the user's cost center
 * (from app_metadata, per organization) to the tokens.
 */
function (user, context, callback) {
  if (!context.organization) {
    return callback(null, user, context);
  }
  const ns = 'https://coop.example.com/claims/';
  const costCenters = user.app_metadata.cost_centers || {};
  context.idToken[ns + 'org_display_name'] = context.organization.display_name;
  context.accessToken[ns + 'cost_center'] = costCenters[context.organization.id] || 'unassigned';
  callback(null, user, context);
}
