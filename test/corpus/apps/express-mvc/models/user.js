const users = new Map();
let lastId = 0;

function create(name, role = 'member') {
  const user = { id: ++lastId, name, role, joined: new Date().toISOString() };
  users.set(user.id, user);
  return user;
}

function all() {
  return [...users.values()];
}

function get(id) {
  return users.get(id);
}

function displayName(user) {
  return user.role === 'admin' ? `${user.name} (admin)` : user.name;
}

create('ada', 'admin');
create('grace');

module.exports = { create, all, get, displayName };
