/**
 * Auth0's post-user-registration template's common use: tell a Slack channel about each new
 * user through an incoming webhook (its URL is a Hook secret).
 */
module.exports = function (user, context, cb) {
  const request = require('request@2.88.2');
  const text = 'New user ' + (user.email || user.username || user.id) + ' signed up through ' + context.connection.name;
  request.post({ url: context.webtask.secrets.SLACK_WEBHOOK_URL, json: { text: text } }, function (err) {
    if (err) {
      console.log('Slack notification failed: ' + err.message);
    }
    cb();
  });
};
