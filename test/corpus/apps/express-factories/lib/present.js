function present(user) {
  return { id: user.id, name: user.name };
}

module.exports = { present };
