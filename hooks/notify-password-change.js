/**
 * Auth0's post-change-password template's common use: tell the user by email (through an email
 * API) that their password changed.
 */
module.exports = function (user, context, cb) {
  const request = require('request@2.88.2');
  if (!user.email) return cb();
  request.post({
    url: 'https://mail.example.com/v3/send',
    json: { to: user.email, template: 'password-changed', connection: context.connection.name },
    headers: { 'X-Api-Key': context.webtask.secrets.MAIL_API_KEY }
  }, function (err, response) {
    if (err) return cb(err);
    if (response.statusCode >= 400) return cb(new Error('Mail API answered ' + response.statusCode));
    cb();
  });
};
