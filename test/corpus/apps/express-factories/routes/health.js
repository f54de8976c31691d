function makeHealthHandler({ name }) {
  const startedAt = Date.now();
  return (req, res) => {
    res.json({ ok: true, name, uptimeMs: Date.now() - startedAt });
  };
}

module.exports = { makeHealthHandler };
