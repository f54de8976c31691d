// A middleware made per route from the role it needs: `requireRole('admin')`.
function requireRole(role) {
  return (req, res, next) => {
    if (req.get('x-role') === role) return next();
    res.status(403).json({ error: `needs ${role}` });
  };
}

module.exports = { requireRole };
