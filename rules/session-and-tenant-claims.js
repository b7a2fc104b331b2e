/** The support tool shows which session and tenant a token came from. */
function (user, context, callback) {
  context.idToken['https://coop.example.com/sid'] = context.sessionID;
  context.idToken['https://coop.example.com/tenant'] = context.tenant;
  callback(null, user, context);
}
