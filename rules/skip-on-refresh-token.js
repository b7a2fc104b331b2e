/** Claims for interactive logins only; refresh tokens keep what they had. */
function (user, context, callback) {
  if (context.protocol === 'oauth2-refresh-token' || context.protocol === 'oauth2-resource-owner') {
    return callback(null, user, context);
  }
  context.idToken['https://coop.example.com/interactive'] = true;
  context.idToken['https://coop.example.com/protocol'] = context.protocol;
  callback(null, user, context);
}
