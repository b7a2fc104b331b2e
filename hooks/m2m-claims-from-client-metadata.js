/**
 * Copies the application's client metadata into its machine-to-machine tokens, one namespaced
 * claim per key (a common use of the credentials-exchange Hook).
 */
module.exports = function (client, scope, audience, context, cb) {
  const namespace = 'https://claims.example.com/';
  const access_token = {};
  access_token.scope = scope;

  Object.keys(client.metadata || {}).forEach(function (key) {
    access_token[namespace + key] = client.metadata[key];
  });
  access_token[namespace + 'client_name'] = client.name;
  access_token[namespace + 'tenant'] = client.tenant;

  cb(null, access_token);
};
