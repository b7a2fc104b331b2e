/**
 * Looks the application's entitlements up in an internal API and puts them into its tokens;
 * the API failing refuses the token with server_error (HTTP 500 from /oauth/token).
 */
module.exports = function (client, scope, audience, context, cb) {
  const request = require('request@2.88.2');
  const access_token = {};
  access_token.scope = scope;

  request.get({
    url: 'https://entitlements.example.com/clients/' + encodeURIComponent(client.id),
    qs: { audience: audience },
    json: true
  }, function (err, response, body) {
    if (err) return cb(new ServerError('Entitlements lookup failed: ' + err.message));
    if (response.statusCode === 404) return cb(new InvalidRequestError('Unknown application'));
    if (response.statusCode !== 200) return cb(new ServerError('Entitlements API answered ' + response.statusCode));
    access_token['https://example.com/entitlements'] = body.entitlements;
    access_token['https://example.com/plan'] = body.plan;
    cb(null, access_token);
  });
};
