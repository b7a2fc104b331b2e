/** Tokens for the orders API say which warehouse the user belongs to. */
function (user, context, callback) {
  var audience = context.request.query && context.request.query.audience;
  if (audience === 'https://orders.coop.example.com') {
    context.accessToken['https://coop.example.com/warehouse'] = (user.app_metadata || {}).warehouse || 'central';
  }
  callback(null, user, context);
}
