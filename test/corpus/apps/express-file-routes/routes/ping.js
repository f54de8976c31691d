export default function ping(req, res) {
  res.json({ pong: true });
}
