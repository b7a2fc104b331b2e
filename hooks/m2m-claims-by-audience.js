/**
 * Adds claims to machine-to-machine access tokens by audience (the credentials-exchange
 * template: keep the granted scopes, add namespaced claims).
 */
module.exports = function (client, scope, audience, context, cb) {
  var access_token = {};
  access_token.scope = scope;

  if (audience === 'https://api.example.com/billing') {
    access_token['https://example.com/tier'] = client.metadata.tier || 'standard';
    access_token['https://example.com/client'] = client.name;
  }
  if (client.metadata.blocked === 'true') {
    return cb(new InvalidRequestError('This application is blocked.'));
  }
  cb(null, access_token);
};
