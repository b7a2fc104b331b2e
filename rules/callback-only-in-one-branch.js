/** Partners get their partner id in the token. */
function (user, context, callback) {
  if (user.app_metadata && user.app_metadata.partner_id) {
    context.idToken['https://coop.example.com/partner'] = user.app_metadata.partner_id;
    callback(null, user, context);
  }
}
