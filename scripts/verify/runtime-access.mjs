// The package's own check of the published JavaScript, on top of the community-package scanner's
// rules (scripts/lint.mjs runs those on the same files, but they allow lodash, luxon, crypto and
// any devDependency, and do not see `module.require`, an aliased `require` or a string passed to a
// timer). Parsed with TypeScript's parser, so text in strings and comments does not count; names
// are matched, not resolved, so a local variable called `process` is reported too.
//
// Rules (the id in brackets is what a problem line names):
// [module]            import/export from or require() of anything but n8n-workflow and the package's
//                     own files (a relative path that leaves the package counts as outside)
// [require-computed]  require() of a module named by an expression
// [require-alias]     `require` used other than as `require("literal")`: `const r = require`,
//                     `require.resolve`, `require.cache`, …
// [module-object]     `module` used other than as `module.exports` (`module.require`, …)
// [dynamic-import]    import(…) and import.meta
// [process]           `process`
// [global-object]     globalThis, global, window, self: any use, since `globalThis[name]` reaches
//                     every global
// [eval]              eval, called or not
// [function-constructor]  Function (called, `new`, or passed on) and any `x.constructor` or
//                     `x["constructor"]` (`(() => {}).constructor("code")`, `.constructor.call(…)`)
// [string-timer]      setTimeout/setInterval/setImmediate given a string (code to run)
// [timer]             any other use of the timers: the nodes wait with n8n-workflow's `sleep`
// [module-path]       __dirname, __filename
import path from 'node:path';

import ts from 'typescript';

const ALLOWED_MODULES = ['n8n-workflow'];
const GLOBAL_OBJECTS = ['globalThis', 'global', 'window', 'self'];
const TIMERS = ['setTimeout', 'setInterval', 'setImmediate'];
const TIMER_CLEARS = ['clearTimeout', 'clearInterval', 'clearImmediate'];
const IDENTIFIER_RULES = new Map([
	['process', 'process'],
	['eval', 'eval'],
	['Function', 'function-constructor'],
	['__dirname', 'module-path'],
	['__filename', 'module-path'],
	...GLOBAL_OBJECTS.map((name) => [name, 'global-object']),
	...TIMER_CLEARS.map((name) => [name, 'timer']),
]);

/** Where a module specifier leads: allowed, or why not. */
function moduleProblem(file, specifier) {
	if (specifier.startsWith('./') || specifier.startsWith('../')) {
		const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier));
		return target.startsWith('../') ? `"${specifier}" leaves the package` : undefined;
	}
	return ALLOWED_MODULES.includes(specifier) ? undefined : `"${specifier}"`;
}

const isStringLike = (node) =>
	ts.isStringLiteralLike(node) ||
	ts.isTemplateExpression(node) ||
	(ts.isBinaryExpression(node) &&
		node.operatorToken.kind === ts.SyntaxKind.PlusToken &&
		(isStringLike(node.left) || isStringLike(node.right)));

/**
 * @param {string} file    the file's path inside the package, e.g. `dist/nodes/Awaz/Awaz.node.js`
 * @param {string} source  the file's JavaScript
 * @returns {Array<{ file: string, line: number, rule: string, message: string }>}
 */
export function runtimeAccessFindings(file, source) {
	const sourceFile = ts.createSourceFile(
		file,
		source,
		ts.ScriptTarget.Latest,
		true,
		ts.ScriptKind.JS,
	);
	const findings = [];
	const report = (node, rule, message) => {
		const { line } = sourceFile.getLineAndCharacterOfPosition(node.getStart(sourceFile));
		findings.push({ file, line: line + 1, rule, message });
	};
	const visit = (node) => {
		if (ts.isCallExpression(node)) {
			const [first] = node.arguments;
			if (ts.isIdentifier(node.expression) && node.expression.text === 'require') {
				if (!first || !ts.isStringLiteralLike(first))
					report(node, 'require-computed', 'require() of a computed module');
				else {
					const problem = moduleProblem(file, first.text);
					if (problem) report(node, 'module', `require(${problem})`);
				}
			}
			if (node.expression.kind === ts.SyntaxKind.ImportKeyword)
				report(node, 'dynamic-import', 'dynamic import()');
			if (ts.isIdentifier(node.expression) && TIMERS.includes(node.expression.text)) {
				if (first && isStringLike(first))
					report(node, 'string-timer', `${node.expression.text}() given a string of code`);
			}
		}
		if (
			(ts.isPropertyAccessExpression(node) && node.name.text === 'constructor') ||
			(ts.isElementAccessExpression(node) &&
				ts.isStringLiteralLike(node.argumentExpression) &&
				node.argumentExpression.text === 'constructor')
		)
			report(node, 'function-constructor', '.constructor (the way to the Function constructor)');
		if (ts.isMetaProperty(node) && node.keywordToken === ts.SyntaxKind.ImportKeyword)
			report(node, 'dynamic-import', 'import.meta');
		if (
			(ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
			node.moduleSpecifier &&
			ts.isStringLiteral(node.moduleSpecifier)
		) {
			const problem = moduleProblem(file, node.moduleSpecifier.text);
			if (problem) report(node, 'module', `import from ${problem}`);
		}
		if (ts.isIdentifier(node) && isReference(node)) identifierFinding(node, report);
		ts.forEachChild(node, visit);
	};
	visit(sourceFile);
	return findings;
}

/** The finding for a variable reference named like a forbidden global, if any. */
function identifierFinding(node, report) {
	const name = node.text;
	const parent = node.parent;
	if (name === 'require') {
		const directCall = ts.isCallExpression(parent) && parent.expression === node;
		if (!directCall) report(node, 'require-alias', '`require` used other than as require("…")');
		return;
	}
	if (name === 'module') {
		const exportsAccess =
			ts.isPropertyAccessExpression(parent) &&
			parent.expression === node &&
			parent.name.text === 'exports';
		if (!exportsAccess) report(node, 'module-object', '`module` used other than as module.exports');
		return;
	}
	if (TIMERS.includes(name)) {
		const stringCall =
			ts.isCallExpression(parent) &&
			parent.expression === node &&
			parent.arguments[0] &&
			isStringLike(parent.arguments[0]);
		if (!stringCall) report(node, 'timer', `${name} (wait with n8n-workflow's sleep instead)`);
		return;
	}
	const rule = IDENTIFIER_RULES.get(name);
	if (!rule) return;
	let what = `"${name}"`;
	if (
		rule === 'global-object' &&
		ts.isElementAccessExpression(parent) &&
		ts.isStringLiteralLike(parent.argumentExpression)
	)
		what = `${name}["${parent.argumentExpression.text}"]`;
	else if (rule === 'global-object' && ts.isPropertyAccessExpression(parent))
		what = `${name}.${parent.name.text}`;
	report(node, rule, what);
}

/** Whether an identifier refers to a variable (not a property name, a declaration's name or a key). */
function isReference(node) {
	const parent = node.parent;
	if (ts.isPropertyAccessExpression(parent) && parent.name === node) return false;
	if (
		(ts.isPropertyAssignment(parent) ||
			ts.isMethodDeclaration(parent) ||
			ts.isPropertyDeclaration(parent) ||
			ts.isGetAccessorDeclaration(parent) ||
			ts.isSetAccessorDeclaration(parent) ||
			ts.isVariableDeclaration(parent) ||
			ts.isParameter(parent) ||
			ts.isFunctionDeclaration(parent) ||
			ts.isFunctionExpression(parent) ||
			ts.isClassDeclaration(parent) ||
			ts.isClassExpression(parent) ||
			ts.isBindingElement(parent) ||
			ts.isImportSpecifier(parent) ||
			ts.isImportClause(parent) ||
			ts.isNamespaceImport(parent)) &&
		parent.name === node
	)
		return false;
	if (ts.isLabeledStatement(parent) || ts.isBreakOrContinueStatement(parent)) return false;
	if (ts.isBindingElement(parent) && parent.propertyName === node) return false;
	return true;
}

/** One line per finding: `file:line [rule] what`. */
export function runtimeAccess(file, source) {
	return runtimeAccessFindings(file, source).map(
		({ file: where, line, rule, message }) => `${where}:${line} [${rule}] ${message}`,
	);
}
