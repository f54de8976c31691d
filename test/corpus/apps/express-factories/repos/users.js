// The data lives in the closure of the object this factory returns, not in a module variable.
function createUserRepo() {
  const byId = new Map();
  let nextId = 1;
  return {
    all() {
      return [...byId.values()];
    },
    get(id) {
      return byId.get(id);
    },
    add(name) {
      const user = { id: nextId++, name };
      byId.set(user.id, user);
      return user;
    },
  };
}

module.exports = { createUserRepo };
