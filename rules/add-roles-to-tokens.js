/**
 * Add the user's roles (RBAC) to the ID token and the access token under a namespace,
 * so applications and APIs can authorize without calling the Management API.
 */
function addRolesToTokens(user, context, callback) {
  const namespace = 'https://coop.example.com/claims/';
  const assignedRoles = (context.authorization || {}).roles || [];

  context.idToken[namespace + 'roles'] = assignedRoles;
  context.accessToken[namespace + 'roles'] = assignedRoles;
  if (assignedRoles.indexOf('admin') !== -1) {
    context.idToken[namespace + 'is_admin'] = true;
  }

  callback(null, user, context);
}
