/**
 * A load report names the module variables a version added, and those given a new value. For a
 * file compiled before it was sent (TypeScript, JSX), some of those are the compiler's, not the
 * user's: tsc, compiling one file alone, declares `var _a` for each decorator's metadata that
 * reads an imported class (`typeof (_a = …) === "function" ? _a : Object`), where the build that
 * started the app named the class; esbuild makes an ES module's exports an object of its own
 * (`errors_exports`), made anew when an export is added. Those are no news to the user: the
 * report keeps the names their source has.
 */
import type { LoadReport } from 'hotpatch-agent/protocol';

/** Each source's names, parsed once however many instances of its app report on it. */
const namesBySource = new Map<string, Promise<Set<string>>>();

/** `reports` with only the added and rebound names that occur in `source`, the file as saved (compiled before it was sent). */
export async function withSourceNamesOnly(reports: LoadReport[], file: string, source: string): Promise<LoadReport[]> {
  if (reports.every((report) => report.added.length === 0 && report.rebound.length === 0)) return reports;
  let names = namesBySource.get(source);
  if (!names) {
    namesBySource.clear(); // one save's text at a time
    names = namesOf(file, source);
    namesBySource.set(source, names);
  }
  const known = await names;
  // `Service.field` (a class's new field) is the user's when both names are.
  const ours = (name: string): boolean => name.split('.').every((part) => known.has(part));
  return reports.map((report) =>
    report.added.every(ours) && report.rebound.every(ours)
      ? report
      : { ...report, added: report.added.filter(ours), rebound: report.rebound.filter(ours) },
  );
}

/**
 * The identifiers of the source and the texts of its string literals (an export may be named by
 * one: `export { a as "a-b" }`), and `default`, read by TypeScript's parser (which reads JSX and
 * plain JavaScript too).
 */
async function namesOf(file: string, source: string): Promise<Set<string>> {
  const ts = (await import('typescript')).default;
  const names = new Set<string>(['default']);
  const visit = (node: import('typescript').Node): void => {
    if (ts.isIdentifier(node) || ts.isPrivateIdentifier(node) || ts.isStringLiteral(node)) names.add(node.text);
    ts.forEachChild(node, visit);
  };
  visit(ts.createSourceFile(file, source, ts.ScriptTarget.Latest, false));
  return names;
}
