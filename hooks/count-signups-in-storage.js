/**
 * Counts signups in webtask storage (context.storage): Hooks could keep data between runs; Actions
 * cannot, so the conversion must leave this to a person.
 */
module.exports = function (user, context, cb) {
  context.storage.get(function (error, data) {
    if (error) return cb(error);
    data = data || { count: 0 };
    data.count += 1;
    context.storage.set(data, function (err) {
      cb(err);
    });
  });
};
