/** Administrators confirm with Duo. */
function (user, context, callback) {
  var roles = (context.authorization && context.authorization.roles) || [];
  if (roles.indexOf('admin') !== -1) {
    context.multifactor = {
      provider: 'duo',
      ikey: configuration.DUO_IKEY,
      skey: configuration.DUO_SKEY,
      host: configuration.DUO_HOST
    };
  }
  callback(null, user, context);
}
