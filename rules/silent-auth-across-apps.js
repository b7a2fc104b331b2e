/** Refuse silent authentication into the admin app from another app's session. */
function (user, context, callback) {
  if (context.clientName === 'Admin' && context.sso && context.sso.current_clients && context.sso.current_clients.indexOf(context.clientID) === -1) {
    return callback(new UnauthorizedError('login_required'));
  }
  callback(null, user, context);
}
