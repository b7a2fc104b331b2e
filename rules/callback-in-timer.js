/** Slow down logins of a suspicious client by a second. */
function (user, context, callback) {
  if (context.clientName === 'Legacy Sync') {
    setTimeout(function () {
      callback(null, user, context);
    }, 1000);
    return;
  }
  callback(null, user, context);
}
