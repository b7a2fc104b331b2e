/**
 * Auth0's credentials-exchange Hook template, with its commented examples switched on: a claim
 * and an extra scope pushed onto the granted ones.
 */
module.exports = function (client, scope, audience, context, cb) {
  var access_token = {};
  access_token.scope = scope; // keep this required line

  access_token['https://example.com/claim'] = 'bar';
  access_token.scope.push('extra');

  cb(null, access_token);
};
