// English-only texts: what n8n shows of the nodes and credentials, the README and the examples'
// sticky notes. Offline, so a heuristic rather than language detection: a text may hold no letters
// outside A–Z (accents and other scripts betray another language; punctuation such as → — ’ × is
// fine) and none of a few common function words of other languages.

const FOREIGN_WORDS = [
	'und',
	'nicht',
	'oder',
	'werden',
	'para',
	'una',
	'pour',
	'avec',
	'une',
	'het',
	'een',
	'niet',
	'della',
	'che',
	'por',
	'mais',
	'sind',
];
const FOREIGN_WORD = new RegExp(`\\b(${FOREIGN_WORDS.join('|')})\\b`, 'i');
const NON_ENGLISH_LETTER = /(?![A-Za-z])\p{L}/u;

/** The first reason `text` does not look English, or undefined. */
export function notEnglish(text) {
	const letter = NON_ENGLISH_LETTER.exec(text);
	if (letter) return `letter "${letter[0]}"`;
	const word = FOREIGN_WORD.exec(text);
	if (word) return `word "${word[0]}"`;
	return undefined;
}

const TEXT_KEYS = ['displayName', 'description', 'action', 'placeholder', 'hint', 'notice'];

/**
 * Every text of a node's or credential's description that n8n shows: display names, descriptions,
 * actions, placeholders, hints, and option names (the `name` of an object that has a `value`).
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

/** Markdown without code: fenced blocks and inline code are data, not prose. */
export function markdownProse(markdown) {
	return markdown.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
}
