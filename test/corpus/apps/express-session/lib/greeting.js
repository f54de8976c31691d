function greet(user) {
  if (!user) return 'Welcome, stranger.';
  return `Welcome back, ${user}.`;
}

module.exports = { greet };
