const LocalStrategy = require('passport-local').Strategy;
const users = require('../models/users');

module.exports = function (passport) {
  passport.use(
    new LocalStrategy({ usernameField: 'email' }, (email, password, done) => {
      const user = users.findByEmail(email);
      if (!user) {
        return done(null, false, { message: 'That email is not registered' });
      }
      if (!users.passwordMatches(user, password)) {
        return done(null, false, { message: 'Password incorrect' });
      }
      return done(null, user);
    }),
  );

  passport.serializeUser((user, done) => {
    done(null, user.id);
  });

  passport.deserializeUser((id, done) => {
    const user = users.findById(id);
    done(null, user ?? false);
  });
};
