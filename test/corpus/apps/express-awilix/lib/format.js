// Formatting helpers the service calls.
function titleOf(text) {
  return String(text ?? '').trim();
}

module.exports = { titleOf };
