/** Support staff can lock an account and leave the reason in app_metadata. */
function (user, context, callback) {
  var lock = user.app_metadata && user.app_metadata.lock_reason;
  if (lock) {
    return callback(new Error(lock));
  }
  callback(null, user, context);
}
