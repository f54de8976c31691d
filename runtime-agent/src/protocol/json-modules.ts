/**
 * A JSON file the app requires (`require('./config.json')`, `require('./locales/en.json')`) is
 * hot as the CommonJS module it is: its code is the JSON as the value of `module.exports`, one
 * statement on the file's own lines. The agent loads it so at startup, and a client sends a save
 * of it so: both must write the same code, or the save would differ from the running version
 * where the file did not change. Only JSON that a JavaScript literal reads the same: not a
 * `"__proto__"` key, which a literal takes as the object's prototype.
 */
export function jsonModuleCode(json: string): string {
  return `module.exports = ${json};`;
}

/** The JSON's value, or why it cannot be a hot module: not JSON, or a `"__proto__"` key. */
export function readJsonModule(json: string): { ok: true } | { ok: false; error: SyntaxError | string } {
  let protoKey = false;
  try {
    JSON.parse(json, (key, value: unknown) => {
      if (key === '__proto__') protoKey = true;
      return value;
    });
  } catch (error) {
    return { ok: false, error: error as SyntaxError };
  }
  return protoKey
    ? { ok: false, error: 'it has a "__proto__" key, which a JavaScript literal reads as a prototype' }
    : { ok: true };
}
