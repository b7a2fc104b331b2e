/**
 * Tell APIs which connection and application the user came through.
 */
function (user, context, callback) {
  var ns = 'https://api.coop.example.com/';
  context.accessToken[ns + 'connection'] = context.connection;
  context.accessToken[ns + 'strategy'] = context.connectionStrategy;
  context.accessToken[ns + 'client'] = context.clientName;
  context.idToken[ns + 'tenant'] = context.tenant;
  if (context.stats.loginsCount > 100) {
    context.idToken[ns + 'frequent'] = true;
  }
  callback(null, user, context);
}
