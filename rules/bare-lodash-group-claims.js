/** Unique, sorted group names from app_metadata into the ID token. */
function (user, context, callback) {
  var _ = require('lodash');
  var groups = (user.app_metadata && user.app_metadata.groups) || [];
  var names = _.uniq(_.map(groups, function (g) { return g.name; })).sort();
  if (names.length > 0) {
    context.idToken['https://coop.example.com/groups'] = names;
  }
  callback(null, user, context);
}
