/**
 * Fetch a partner API token once per container and cache it in `global` for later logins.
 */
function (user, context, callback) {
  const request = require('request@2.88.2');
  if (global.partnerToken && global.partnerTokenExpires > Date.now()) {
    context.idToken['https://coop.example.com/claims/partner_ready'] = true;
    return callback(null, user, context);
  }
  request.post({
    url: configuration.PARTNER_TOKEN_URL,
    form: { client_id: configuration.PARTNER_CLIENT_ID, client_secret: configuration.PARTNER_CLIENT_SECRET, grant_type: 'client_credentials' },
    json: true
  }, function (err, response, body) {
    if (err) return callback(err);
    global.partnerToken = body.access_token;
    global.partnerTokenExpires = Date.now() + body.expires_in * 1000;
    context.idToken['https://coop.example.com/claims/partner_ready'] = true;
    callback(null, user, context);
  });
}
