/** Keep personal fields out of the tokens of the kiosk application. */
function (user, context, callback) {
  if (context.clientMetadata && context.clientMetadata.kiosk === 'true') {
    ['family_name', 'given_name', 'phone_number'].forEach(function (key) {
      delete user[key];
    });
  }
  callback(null, user, context);
}
