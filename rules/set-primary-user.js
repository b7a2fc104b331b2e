/** Accounts merged by the support team log in as the account they were merged into. */
function (user, context, callback) {
  var primary = user.app_metadata && user.app_metadata.merged_into;
  if (primary) {
    context.primaryUser = primary;
  }
  callback(null, user, context);
}
