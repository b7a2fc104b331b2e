/**
 * Database users must verify their email before they can log in; social and enterprise
 * connections verify it themselves.
 */
function (user, context, callback) {
  if (context.connectionStrategy === 'auth0' && !user.email_verified) {
    return callback(new UnauthorizedError('Please verify your email address (' + user.email + ') before logging in.'));
  }
  return callback(null, user, context);
}
