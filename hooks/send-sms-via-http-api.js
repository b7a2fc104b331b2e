/**
 * Auth0's send-phone-message Hook template's use: send the MFA code through an SMS provider's
 * HTTP API (account and token are Hook secrets); voice messages are not supported.
 */
module.exports = function (recipient, text, context, cb) {
  const request = require('request@2.88.2');
  if (context.message_type === 'voice') {
    return cb(new Error('Voice messages are not supported'));
  }
  const account = context.webtask.secrets.SMS_ACCOUNT;
  request.post({
    url: 'https://sms.example.com/accounts/' + account + '/messages',
    form: { To: recipient, Body: text, From: context.webtask.secrets.SMS_FROM },
    auth: { user: account, pass: context.webtask.secrets.SMS_TOKEN }
  }, function (err, response) {
    if (err) return cb(err);
    if (response.statusCode !== 201) return cb(new Error('SMS provider answered ' + response.statusCode));
    cb(null, {});
  });
};
