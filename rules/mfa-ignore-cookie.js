/** Always ask for the second factor in the vault app, even on remembered browsers. */
function (user, context, callback) {
  if (context.clientName === 'Vault') {
    context.multifactor = { provider: 'guardian', ignoreCookie: true };
  }
  callback(null, user, context);
}
