/** Refuse logins of members the membership register lists as left. */
async function (user, context, callback) {
  const axios = require('axios@1.7.9');
  const result = await axios.get(configuration.REGISTER_URL, { params: { member: user.email } })
    .then(function (res) { return res.data; })
    .catch(function () { return { status: 'unknown' }; });
  if (result.status === 'left') {
    return callback(new UnauthorizedError('Membership ended on ' + result.left_on));
  }
  context.idToken['https://coop.example.com/member_status'] = result.status;
  return callback(null, user, context);
}
