/**
 * Drops write scopes from tokens of applications marked read-only in their metadata. A Hook
 * could change the token's scopes; a credentials-exchange Action cannot.
 */
module.exports = function (client, scope, audience, context, cb) {
  const access_token = {};
  if (client.metadata.read_only === 'true') {
    access_token.scope = (scope || []).filter(function (s) { return s.indexOf('write:') !== 0; });
  } else {
    access_token.scope = scope;
  }
  cb(null, access_token);
};
