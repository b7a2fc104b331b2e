/** Locale hints for the shop front-end. */
function (user, context, callback) {
  if (context.request.geoip) {
    context.idToken['https://coop.example.com/tz'] = context.request.geoip.time_zone;
    context.idToken['https://coop.example.com/continent'] = context.request.geoip.continent_code;
    if (context.request.geoip.continent_code === 'EU') {
      context.idToken['https://coop.example.com/city'] = context.request.geoip.city_name;
    }
  }
  callback(null, user, context);
}
