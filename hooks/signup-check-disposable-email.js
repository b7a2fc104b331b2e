/**
 * Asks an email-reputation API whether the address is disposable before the user is created;
 * the API key is a Hook secret. An unreachable API lets the signup through (fail open).
 */
module.exports = function (user, context, cb) {
  const request = require('request@2.88.2');
  request({
    method: 'GET',
    url: 'https://reputation.example.com/v1/check',
    qs: { email: user.email, key: context.webtask.secrets.REPUTATION_API_KEY },
    json: true
  }, function (error, response, body) {
    if (error || response.statusCode !== 200) {
      console.log('reputation check unavailable, allowing signup');
      return cb(null, { user: user });
    }
    if (body.disposable) {
      return cb(new PreUserRegistrationError('Disposable email ' + user.email, 'Please use a permanent email address.'));
    }
    cb(null, { user: { app_metadata: { email_reputation: body.score } } });
  });
};
