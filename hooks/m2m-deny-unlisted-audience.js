/**
 * Refuses tokens for APIs the application is not listed for (credentials-exchange template's
 * InvalidScopeError); the allow list is a Hook secret (JSON: client id → audiences).
 */
module.exports = function (client, scope, audience, context, cb) {
  const allowed = JSON.parse(context.webtask.secrets.ALLOWED_AUDIENCES || '{}');
  const audiences = allowed[client.id] || [];
  if (audiences.indexOf(audience) === -1) {
    return cb(new InvalidScopeError('Application ' + client.name + ' may not call ' + audience));
  }
  if (!scope || scope.length === 0) {
    return cb(new InvalidRequestError('No scopes were granted to this application'));
  }
  const access_token = { scope: scope };
  access_token['https://example.com/allowed'] = true;
  cb(null, access_token);
};
