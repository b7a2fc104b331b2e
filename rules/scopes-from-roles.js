/**
 * Only admins may receive admin:* scopes; everything else the application asked for is granted.
 */
function (user, context, callback) {
  var roles = context.authorization.roles;
  var requested = (context.request.query.scope || context.request.body.scope || '').split(' ');
  var isAdmin = roles.indexOf('admin') >= 0;
  var granted = requested.filter(function (scope) {
    return scope && (isAdmin || scope.indexOf('admin:') !== 0);
  });
  context.accessToken.scope = granted.join(' ');
  callback(null, user, context);
}
