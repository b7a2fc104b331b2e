/** Only addresses from the cooperative's private network may use the admin console. */
function (user, context, callback) {
  const ipaddr = require('ipaddr.js');
  if (context.clientName !== 'Admin Console') return callback(null, user, context);
  const addr = ipaddr.parse(context.request.ip);
  if (addr.kind() !== 'ipv4' || !addr.match(ipaddr.parseCIDR('10.0.0.0/8'))) {
    return callback(new UnauthorizedError('The admin console is only reachable from the office network.'));
  }
  callback(null, user, context);
}
