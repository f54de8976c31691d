/**
 * The parser (acorn) and the scope analyser (eslint-scope), bundled apart from the agent's
 * library (build.mjs) and loaded by parsers.ts the first time a module is read. They were a
 * third of the library, and with them its code cache held acorn compiled: every start read and
 * deserialized both, though a start whose modules come from the transform cache parses nothing
 * (issue 13). Libraries only, with no state of the agent's: a copy in each thread is harmless.
 */
import * as acorn from 'acorn';
import * as eslintScope from 'eslint-scope';

export { acorn, eslintScope };
