/** The finance application needs a second factor in this session. */
function (user, context, callback) {
  if (context.clientName !== 'Finance') return callback(null, user, context);
  var methods = (context.authentication && context.authentication.methods) || [];
  var didMfa = methods.some(function (m) { return m.name === 'mfa'; });
  if (!didMfa) {
    context.multifactor = { provider: 'any', allowRememberBrowser: false };
  }
  context.idToken['https://coop.example.com/amr'] = methods.map(function (m) { return m.name; });
  callback(null, user, context);
}
