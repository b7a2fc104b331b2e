/** The compliance service may refuse a login and says why. */
function (user, context, callback) {
  const request = require('request@2.88.2');
  request.get({ url: configuration.COMPLIANCE_URL + '/decision', qs: { user: user.user_id }, json: true }, function (err, res, body) {
    if (err) return callback(err);
    if (!body.allowed) {
      return callback(new UnauthorizedError(body.reason));
    }
    callback(null, user, context);
  });
}
