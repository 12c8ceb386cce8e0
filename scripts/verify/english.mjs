// English-only texts, a stop-word heuristic (offline, no language model): a text fails when it holds
// a letter of a script other than Latin, or a sentence in which the function words of German,
// Spanish, French, Italian, Portuguese or Dutch are at least two and at least as many as the English
// ones. Product names, loanwords and accented names in an English sentence pass (they are not
// function words); a whole sentence in another language does not. Short labels of one or two words
// cannot be told apart this way and pass.
//
// What it reads: every text of the built node and credential descriptions (uiTexts, gathered by
// scripts/verify.mjs), and packageTexts: every string literal and template text of three words or
// more in nodes/**/*.ts and credentials/**/*.ts (sourceTexts: error messages and descriptions passed
// to NodeOperationError/NodeApiError/AwazApiError, the `problem`s returned, notices, hints), the
// README's prose, CHANGELOG.md's and the sticky notes of examples/*.json.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import ts from 'typescript';

const ENGLISH = new Set(
	`a about above after again all also am an and any are as at be because been before being below
	between both but by can could did do does doing down during each either every few for from
	further had has have having he her here hers him his how i if in into is it its itself just less
	may me might more most much must my neither no nor not now of off on once one only or other our
	out over own per same shall she should so some such than that the their them then there these
	they this those through to too under until up upon us very via was we were what when where
	whether which while who whom whose why will with within without would yet you your`.split(/\s+/),
);

const FOREIGN = {
	German: `aber alle als auch auf aus bei beim bin bis bitte da dann das dass dem den der des dich die
		dies diese diesem dieser dir doch dort du durch ein eine einem einen einer eines er es euch
		fuer habe haben hat ich ihm ihn ihr im ist jede jeden jeder jetzt kann kein keine koennen man
		mich mir muss nach nicht noch nur ob oder ohne schon sein seine sich sie sind soll sollte ueber
		um und uns unter vom von vor wann warum was weil welche wenn werden wie wieder wir wird wurde
		zu zum zur zwischen`,
	Spanish: `al algo como con cual cuando del desde donde el ella ellos en entre era es esta estan este
		esto fue ha hay las le les lo los mas muy nada ni no nos o otra otro para pero por porque que
		se ser si sin sobre son su sus tambien tiene tienen todo todos un una uno unos y ya`,
	French: `au aux avec ce ces cette comme dans de des du elle est et etre il ils je la le les leur
		lui mais mes moi ne nous on ou par pas plus pour qu que qui sa sans se ses son sont sur ta
		tes toi ton tous tout tu un une vos votre vous`,
	Italian: `al alla alle anche che chi ci come con da dal dalla degli dei del della delle di e gli ha
		ho il la le lo ma mi nel nella non per piu questo quella quello se sono su sua suo tra tu un
		una uno`,
	Portuguese: `ao aos as com como da das de do dos ela ele em entre era esta este foi ha isso mais mas
		na nao nas no nos o os ou para pela pelo por que se sem ser seu sua tambem tem um uma voce`,
	Dutch: `aan al bij dat de die dit een en er geen het hij hoe ik in is je kan maar met mij naar niet
		nog nu of om ons ook op over te tot uit van voor wat wel wij worden zal ze zich zijn zo`,
};
/**
 * Words that are also English (or common in English technical text: MIT, UN, LA, et al., de facto,
 * en dash, van, den, die, also, man, war) never count as foreign.
 */
const ALSO_ENGLISH = new Set(
	'a al as at die e en et i in is la le lo man me mit no o of on or so te tu un us van den was war will'.split(
		' ',
	),
);
const FOREIGN_WORDS = new Map();
for (const [language, words] of Object.entries(FOREIGN)) {
	for (const word of words.split(/\s+/).filter(Boolean)) {
		if (ENGLISH.has(word) || ALSO_ENGLISH.has(word)) continue;
		FOREIGN_WORDS.set(word, [...(FOREIGN_WORDS.get(word) ?? []), language]);
	}
}

/** Letters of a script other than Latin (Cyrillic, Greek, Arabic, CJK, …). */
const OTHER_SCRIPT = /(?!\p{Script=Latin})\p{L}/u;
/** Accented Latin letters, folded so "für" is read as "fuer" and "más" as "mas". */
const fold = (word) =>
	word
		.replace(/ä/g, 'ae')
		.replace(/ö/g, 'oe')
		.replace(/ü/g, 'ue')
		.replace(/ß/g, 'ss')
		.normalize('NFD')
		.replace(/\p{M}/gu, '');

/** The first reason `text` does not look English, or undefined. */
export function notEnglish(text) {
	const letter = OTHER_SCRIPT.exec(text);
	if (letter) return `letter "${letter[0]}" of another script`;
	for (const sentence of text.split(/(?<=[.!?;:])\s+|\n+|\s[-–—|]\s/)) {
		const words = sentence.toLowerCase().match(/\p{L}+/gu) ?? [];
		const foreign = [];
		let english = 0;
		for (const word of words) {
			if (ENGLISH.has(word)) english += 1;
			else if (FOREIGN_WORDS.has(fold(word))) foreign.push(word);
		}
		if (foreign.length >= 2 && foreign.length >= english) {
			const languages = new Map();
			for (const word of foreign)
				for (const language of FOREIGN_WORDS.get(fold(word)))
					languages.set(language, (languages.get(language) ?? 0) + 1);
			const [language] = [...languages].sort((a, b) => b[1] - a[1])[0];
			return `reads as ${language} ("${sentence.trim().slice(0, 80)}": ${foreign.length} ${language}-like function words, ${english} English ones)`;
		}
	}
	return undefined;
}

/**
 * The texts that do not look English, each as `where: reason`.
 * @param {Array<{ where: string, text: string }>} texts
 */
export function notEnglishTexts(texts) {
	return texts.flatMap(({ where, text }) => {
		const reason = notEnglish(text);
		return reason ? [`${where}: ${reason}`] : [];
	});
}

const TEXT_KEYS = ['displayName', 'description', 'action', 'placeholder', 'hint', 'notice'];

/**
 * Every text of a node's or credential's description that n8n shows: display names, descriptions,
 * actions, placeholders, hints, notices, and option names (the `name` of an object that has a
 * `value`).
 * @returns {Array<{ where: string, text: string }>}
 */
export function uiTexts(description, where) {
	const found = [];
	const walk = (value, path) => {
		if (Array.isArray(value))
			return value.forEach((entry, index) => walk(entry, `${path}[${index}]`));
		if (!value || typeof value !== 'object') return;
		for (const [key, entry] of Object.entries(value)) {
			const isText = TEXT_KEYS.includes(key) || (key === 'name' && 'value' in value);
			if (isText && typeof entry === 'string') found.push({ where: `${path}.${key}`, text: entry });
			else walk(entry, `${path}.${key}`);
		}
	};
	walk(description, where);
	return found;
}

/**
 * The prose in a TypeScript source: every string literal and template (its text parts joined, the
 * substitutions left out) that holds three words or more. Error messages and descriptions, returned
 * problems, hints and notices are all among them; identifiers, keys and short codes are not.
 * @returns {Array<{ where: string, text: string }>}
 */
export function sourceTexts(file, source) {
	const sourceFile = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true);
	const found = [];
	const add = (node, text) => {
		if ((text.match(/\p{L}+/gu) ?? []).length < 3) return;
		const { line } = sourceFile.getLineAndCharacterOfPosition(node.getStart(sourceFile));
		found.push({ where: `${file}:${line + 1}`, text });
	};
	const visit = (node) => {
		if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) add(node, node.text);
		else if (ts.isTemplateExpression(node))
			add(
				node,
				[node.head.text, ...node.templateSpans.map((span) => span.literal.text)].join(' … '),
			);
		ts.forEachChild(node, visit);
	};
	visit(sourceFile);
	return found;
}

/** Markdown without code: fenced blocks and inline code are data, not prose. */
export function markdownProse(markdown) {
	return markdown.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
}

/**
 * The sticky notes of a workflow file.
 * @returns {Array<{ where: string, text: string }>}
 */
export function stickyNotes(file, text) {
	let workflow;
	try {
		workflow = JSON.parse(text);
	} catch {
		return [];
	}
	return (Array.isArray(workflow.nodes) ? workflow.nodes : [])
		.filter((node) => node.type === 'n8n-nodes-base.stickyNote')
		.map((note) => ({
			where: `${file}: sticky note "${note.name}"`,
			text: note.parameters?.content ?? '',
		}));
}

/**
 * The texts of a package folder besides its built descriptions: source strings, README.md,
 * CHANGELOG.md, the examples' sticky notes.
 * @returns {Array<{ where: string, text: string }>}
 */
export function packageTexts(root) {
	const read = (file) => readFileSync(path.join(root, file), 'utf8');
	const filesIn = (folder, extension) =>
		existsSync(path.join(root, folder))
			? readdirSync(path.join(root, folder), { recursive: true })
					.map((file) => path.posix.join(folder, file.split(path.sep).join('/')))
					.filter((file) => file.endsWith(extension))
					.sort()
			: [];
	const texts = [];
	for (const file of [...filesIn('nodes', '.ts'), ...filesIn('credentials', '.ts')])
		texts.push(...sourceTexts(file, read(file)));
	for (const file of ['README.md', 'CHANGELOG.md'].filter((name) =>
		existsSync(path.join(root, name)),
	))
		texts.push({ where: file, text: markdownProse(read(file)) });
	for (const file of filesIn('examples', '.json')) texts.push(...stickyNotes(file, read(file)));
	return texts;
}
