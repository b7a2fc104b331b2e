/** Ask the fraud service about this login's IP address; a blocked address cannot log in. */
function (user, context, callback) {
  const request = require('request');
  request.post({ url: configuration.FRAUD_URL + '/check', json: { ip: context.request.ip, user: user.user_id } }, function (err, response, body) {
    if (err) {
      return callback(null, user, context);
    }
    if (body.verdict === 'block') {
      return callback(new UnauthorizedError('Login blocked for security reasons.'));
    }
    context.idToken['https://coop.example.com/fraud_score'] = body.score;
    callback(null, user, context);
  });
}
