/** The data region comes from the connection's metadata. */
function (user, context, callback) {
  var region = (context.connectionMetadata && context.connectionMetadata.region) || 'eu';
  context.accessToken['https://coop.example.com/region'] = region;
  context.accessToken['https://coop.example.com/connection_id'] = context.connectionID;
  callback(null, user, context);
}
