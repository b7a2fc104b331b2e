/**
 * Internal applications (client metadata internal = "true") accept logins only from the
 * corporate networks, given as CIDR ranges in configuration.CORPORATE_CIDRS.
 */
function (user, context, callback) {
  if (context.clientMetadata.internal !== 'true') {
    return callback(null, user, context);
  }

  function ipToNumber(ip) {
    return ip.split('.').reduce(function (acc, part) {
      return acc * 256 + parseInt(part, 10);
    }, 0);
  }

  function inRange(ip, cidr) {
    var parts = cidr.split('/');
    var bits = parseInt(parts[1], 10);
    var size = Math.pow(2, 32 - bits);
    var start = Math.floor(ipToNumber(parts[0]) / size) * size;
    var address = ipToNumber(ip);
    return address >= start && address < start + size;
  }

  var ranges = configuration.CORPORATE_CIDRS.split(',');
  var ip = context.request.ip;
  var inside = ranges.some(function (range) {
    return inRange(ip, range.trim());
  });
  if (!inside) {
    return callback(new UnauthorizedError('Access from ' + ip + ' is not allowed for ' + context.clientName));
  }
  callback(null, user, context);
}
