/**
 * Export the user's groups that applications care about (configuration.EXPORTED_GROUPS),
 * de-duplicated and sorted, as a claim.
 */
function (user, context, callback) {
  var _ = require('lodash@4.17.21');
  var exported = configuration.EXPORTED_GROUPS.split(',').map(_.trim);
  var groups = _.sortBy(_.uniq(_.intersection(user.app_metadata.groups || [], exported)));
  if (!_.isEmpty(groups)) {
    context.idToken['https://coop.example.com/claims/groups'] = groups;
  }
  callback(null, user, context);
}
