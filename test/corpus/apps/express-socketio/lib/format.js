function formatMessage(user, text) {
  return { user, text: String(text).trim(), at: Date.now() };
}

module.exports = { formatMessage };
