// A singleton made by a factory function: its entries live in the factory's closure.
function makeAuditLog({ clock }) {
  const entries = [];
  return {
    record(action, id) {
      entries.push({ action, id, at: clock() });
      if (entries.length > 100) entries.shift();
    },
    recent() {
      return entries.slice(-10).map((e) => `${e.action} #${e.id}`);
    },
  };
}

module.exports = { makeAuditLog };
