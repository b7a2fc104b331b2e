/** Kiosk tokens live five minutes. */
function (user, context, callback) {
  if (context.clientMetadata && context.clientMetadata.kiosk === 'true') {
    context.jwtConfiguration.lifetimeInSeconds = 300;
  }
  callback(null, user, context);
}
