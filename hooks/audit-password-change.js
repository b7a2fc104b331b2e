/**
 * Records each password change in an audit API, with the user's id, the connection and the time
 * of the reset.
 */
module.exports = function (user, context, cb) {
  const axios = require('axios@1.7.9');
  axios.post('https://audit.example.com/events', {
    type: 'password_changed',
    user_id: user.id,
    connection_id: context.connection.id,
    tenant: context.connection.tenant,
    at: user.last_password_reset
  }).then(function () {
    cb();
  }).catch(function (err) {
    cb(err);
  });
};
