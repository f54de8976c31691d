// Log in with Passport's local strategy, as most Express tutorials set it up: the strategy and
// the session's (de)serializers configured once at startup by a function of config/passport.js,
// users kept by a model module, routes behind an ensureAuthenticated middleware.
const express = require('express');
const session = require('express-session');
const passport = require('passport');

const PORT = process.env.PORT ?? 3000;

const app = express();
require('./config/passport')(passport);

app.use(express.json());
app.use(
  session({
    secret: 'corpus-passport-secret',
    resave: false,
    saveUninitialized: false,
    cookie: { httpOnly: true, sameSite: 'lax' },
  }),
);
app.use(passport.initialize());
app.use(passport.session());

app.get('/health', (req, res) => res.sendStatus(204));
app.use('/', require('./routes/index'));
app.use('/users', require('./routes/users'));

app.use((err, req, res, next) => {
  res.status(500).json({ error: err.message });
});

app.listen(PORT, '127.0.0.1', () => {
  console.log(`Server started on http://127.0.0.1:${PORT}`);
});
