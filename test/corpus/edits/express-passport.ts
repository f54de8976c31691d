import type { CorpusApp } from '../lib/types';

const password = 'secret-pass';
const wrongPassword = "return done(null, false, { message: 'Password incorrect' });";
const brokenWrongPassword = "return done(null, false, { message: 'Password incorrect' );";

export const expressPassport: CorpusApp = {
  dir: 'express-passport',
  entries: [{ name: 'express-passport', kind: 'cjs', main: ['app.js'] }],
  health: '/health',
  state: {
    // One cookie jar per app run: each edit logs in as a user of its own, kept in the model's array
    // and in express-session's MemoryStore.
    before: [
      { method: 'POST', path: '/users/logout' },
      { method: 'POST', path: '/users/register', body: { name: 'Kept {n}', email: 'kept-{n}@corpus.test', password } },
      { method: 'POST', path: '/users/login', body: { email: 'kept-{n}@corpus.test', password } },
    ],
    probes: [{ path: '/dashboard', includes: ['"email":"kept-{n}@corpus.test"'] }],
  },
  edits: [
    {
      name: 'verify callback: a message (the strategy made once at startup)',
      file: 'config/passport.js',
      replace: [["{ message: 'That email is not registered' }", "{ message: 'No account uses that email' }"]],
      live: [
        {
          method: 'POST',
          path: '/users/login',
          body: { email: 'nobody-{n}@corpus.test', password },
          status: 401,
          includes: ['No account uses that email'],
        },
      ],
    },
    {
      name: 'deserializeUser: the session user gets a role',
      file: 'config/passport.js',
      replace: [['done(null, user ?? false);', "done(null, user ? { ...user, role: 'member' } : false);"]],
      live: [{ path: '/dashboard', includes: ['"role":"member"'] }],
    },
    {
      name: 'ensureAuthenticated: a header on the requests it lets through',
      file: 'config/auth.js',
      replace: [
        [
          '    if (req.isAuthenticated()) {\n      return next();',
          "    if (req.isAuthenticated()) {\n      res.set('x-authenticated-as', req.user.email);\n      return next();",
        ],
      ],
      live: [{ path: '/dashboard', header: ['x-authenticated-as', 'kept-{n}@corpus.test'] }],
    },
    {
      name: 'login handler: the welcome message',
      file: 'routes/users.js',
      replace: [['`Welcome back, ${user.name}`', '`Good to see you, ${user.name}`']],
      live: [
        {
          method: 'POST',
          path: '/users/login',
          body: { email: 'kept-{n}@corpus.test', password },
          includes: ['Good to see you, Kept {n}'],
        },
      ],
    },
    {
      name: 'model: emails matched without case',
      file: 'models/users.js',
      replace: [
        [
          'return users.find((user) => user.email === email);',
          'return users.find((user) => user.email.toLowerCase() === String(email).toLowerCase());',
        ],
      ],
      live: [
        {
          method: 'POST',
          path: '/users/login',
          body: { email: 'KEPT-{n}@CORPUS.TEST', password },
          includes: ['"email":"kept-{n}@corpus.test"'],
        },
      ],
    },
    {
      name: 'model: a new field, set when a user registers and shown',
      file: 'models/users.js',
      replace: [
        [
          'const user = { id: nextId++, name, email, salt, hash: hashPassword(password, salt) };',
          'const user = { id: nextId++, name, email, salt, hash: hashPassword(password, salt), createdAt: new Date().toISOString() };',
        ],
        [
          'return { id: user.id, name: user.name, email: user.email };',
          'return { id: user.id, name: user.name, email: user.email, createdAt: user.createdAt ?? null };',
        ],
      ],
      live: [
        {
          method: 'POST',
          path: '/users/register',
          body: { name: 'Probe', email: 'probe-{n}@corpus.test', password },
          status: 201,
          includes: ['"createdAt":"20'],
        },
      ],
    },
    {
      name: 'new route behind ensureAuthenticated',
      file: 'routes/index.js',
      replace: [
        [
          'module.exports = router;',
          "router.get('/profile', ensureAuthenticated, (req, res) => {\n  res.json({ profile: users.publicView(req.user) });\n});\n\nmodule.exports = router;",
        ],
      ],
      live: [{ path: '/profile', includes: ['"profile":', 'kept-{n}@corpus.test'] }],
    },
    {
      name: 'registration rule: a longer password',
      file: 'routes/users.js',
      replace: [
        [
          "if (password && password.length < 6) errors.push('Password must be at least 6 characters');",
          "if (password && password.length < 10) errors.push('Password must be at least 10 characters');",
        ],
      ],
      live: [
        {
          method: 'POST',
          path: '/users/register',
          body: { name: 'Short', email: 'short-{n}@corpus.test', password: 'nine-char' },
          status: 400,
          includes: ['at least 10 characters'],
        },
      ],
    },
    {
      name: 'a second strategy, registered by the function run once at startup',
      file: 'config/passport.js',
      replace: [
        [
          '  passport.serializeUser(',
          `  passport.use(
    'staff',
    new LocalStrategy({ usernameField: 'email' }, (email, password, done) => {
      const user = users.findByEmail(email);
      if (!user || !users.passwordMatches(user, password) || !user.email.endsWith('@corpus.test')) {
        return done(null, false, { message: 'Staff only' });
      }
      return done(null, user);
    }),
  );

  passport.serializeUser(`,
        ],
      ],
      also: [
        {
          file: 'routes/users.js',
          replace: [
            [
              "router.post('/logout',",
              `router.post('/staff-login', (req, res, next) => {
  passport.authenticate('staff', (err, user, info) => {
    if (err) return next(err);
    if (!user) return res.status(401).json({ error: info?.message ?? 'Login failed' });
    req.logIn(user, (loginError) => {
      if (loginError) return next(loginError);
      res.json({ message: \`Staff member \${user.name}\`, user: users.publicView(user) });
    });
  })(req, res, next);
});

router.post('/logout',`,
            ],
          ],
        },
      ],
      live: [
        {
          method: 'POST',
          path: '/users/staff-login',
          body: { email: 'kept-{n}@corpus.test', password },
          includes: ['Staff member Kept {n}'],
        },
      ],
    },
    {
      name: 'syntax error (verify callback)',
      file: 'config/passport.js',
      syntaxError: true,
      replace: [[wrongPassword, brokenWrongPassword]],
      unchanged: ['/dashboard'],
    },
    {
      name: 'syntax error fixed, with a new message',
      file: 'config/passport.js',
      replace: [[brokenWrongPassword, "return done(null, false, { message: 'Wrong password, try again' });"]],
      live: [
        {
          method: 'POST',
          path: '/users/login',
          body: { email: 'kept-{n}@corpus.test', password: 'not-the-password' },
          status: 401,
          includes: ['Wrong password, try again'],
        },
      ],
    },
  ],
};
