/**
 * Auth0's pre-user-registration template: sets default user_metadata and app_metadata on every
 * new database user, keeping what the signup request sent.
 */
module.exports = function (user, context, cb) {
  var response = {};

  response.user = user;
  response.user.user_metadata = Object.assign({ newsletter: false, theme: 'light' }, user.user_metadata);
  response.user.app_metadata = { plan: 'free', signup_connection: context.connection.name };

  cb(null, response);
};
