// The published JavaScript must not reach the environment or the file system: no `process`,
// `__dirname`/`__filename`, no module other than n8n-workflow and the package's own files, no
// dynamic import, eval or Function constructor. Parsed with TypeScript's parser, so text in
// strings and comments does not count.
import ts from 'typescript';

const ALLOWED_MODULES = ['n8n-workflow'];
const isAllowedModule = (specifier) =>
	specifier.startsWith('./') || specifier.startsWith('../') || ALLOWED_MODULES.includes(specifier);
const GLOBAL_OBJECTS = ['globalThis', 'global', 'window', 'self'];
const FORBIDDEN_GLOBALS = ['process', '__dirname', '__filename', 'eval'];

/**
 * @param {string} file    for messages
 * @param {string} source  the file's JavaScript
 * @returns {string[]} one line per forbidden use: `file:line what`
 */
export function runtimeAccess(file, source) {
	const sourceFile = ts.createSourceFile(
		file,
		source,
		ts.ScriptTarget.Latest,
		true,
		ts.ScriptKind.JS,
	);
	const problems = [];
	const report = (node, what) => {
		const { line } = sourceFile.getLineAndCharacterOfPosition(node.getStart(sourceFile));
		problems.push(`${file}:${line + 1} ${what}`);
	};
	const visit = (node) => {
		if (ts.isCallExpression(node)) {
			const [first] = node.arguments;
			if (ts.isIdentifier(node.expression) && node.expression.text === 'require') {
				if (!first || !ts.isStringLiteralLike(first))
					report(node, 'require() of a computed module');
				else if (!isAllowedModule(first.text)) report(node, `require("${first.text}")`);
			}
			if (node.expression.kind === ts.SyntaxKind.ImportKeyword) report(node, 'dynamic import()');
		}
		if (
			(ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
			node.moduleSpecifier &&
			ts.isStringLiteral(node.moduleSpecifier)
		) {
			if (!isAllowedModule(node.moduleSpecifier.text))
				report(node, `import from "${node.moduleSpecifier.text}"`);
		}
		if (
			ts.isNewExpression(node) &&
			ts.isIdentifier(node.expression) &&
			node.expression.text === 'Function'
		)
			report(node, 'new Function()');
		if (ts.isIdentifier(node) && FORBIDDEN_GLOBALS.includes(node.text) && isReference(node))
			report(node, `global "${node.text}"`);
		if (
			ts.isPropertyAccessExpression(node) &&
			ts.isIdentifier(node.expression) &&
			GLOBAL_OBJECTS.includes(node.expression.text) &&
			FORBIDDEN_GLOBALS.includes(node.name.text)
		) {
			report(node, `${node.expression.text}.${node.name.text}`);
		}
		ts.forEachChild(node, visit);
	};
	visit(sourceFile);
	return problems;
}

/** Whether an identifier refers to a variable (not a property name, a declaration's name or a key). */
function isReference(node) {
	const parent = node.parent;
	if (ts.isPropertyAccessExpression(parent) && parent.name === node) return false;
	if (
		(ts.isPropertyAssignment(parent) ||
			ts.isMethodDeclaration(parent) ||
			ts.isPropertyDeclaration(parent)) &&
		parent.name === node
	)
		return false;
	if (
		(ts.isVariableDeclaration(parent) ||
			ts.isParameter(parent) ||
			ts.isFunctionDeclaration(parent)) &&
		parent.name === node
	)
		return false;
	return true;
}
