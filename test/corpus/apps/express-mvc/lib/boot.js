const fs = require('node:fs');
const path = require('node:path');

// index -> GET /name, show -> GET /name/:id, create -> POST /name, anything else -> GET /name/action
function routeFor(name, action) {
  switch (action) {
    case 'index':
      return ['get', `/${name}`];
    case 'show':
      return ['get', `/${name}/:id`];
    case 'create':
      return ['post', `/${name}`];
    default:
      return ['get', `/${name}/${action}`];
  }
}

module.exports = function boot(app, dir) {
  for (const file of fs.readdirSync(dir).sort()) {
    const name = path.basename(file, '.js');
    const actions = Object.entries(require(path.join(dir, file)));
    // Named actions first, so /users/count is not taken for /users/:id.
    actions.sort(([a], [b]) => Number(a === 'show') - Number(b === 'show'));
    for (const [action, handler] of actions) {
      if (typeof handler !== 'function') continue;
      const [method, route] = routeFor(name, action);
      app[method](route, handler);
    }
  }
};
