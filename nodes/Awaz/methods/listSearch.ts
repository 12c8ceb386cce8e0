import type {
	IDataObject,
	ILoadOptionsFunctions,
	INodeListSearchItems,
	INodeListSearchResult,
} from 'n8n-workflow';

import { agentChoices } from '../../shared/agentOptions';
import { CALLS_PATH, PHONES_PATH } from '../../shared/endpoints';
import { awazApiRequest, listItems } from '../../shared/transport';
import type { AwazRequest } from '../../shared/transport';

function matches(filter: string | undefined, ...texts: unknown[]): boolean {
	if (!filter) return true;
	const needle = filter.toLowerCase();
	return texts.some((text) =>
		String(text ?? '')
			.toLowerCase()
			.includes(needle),
	);
}

async function fetchList(ctx: ILoadOptionsFunctions, request: AwazRequest): Promise<IDataObject[]> {
	return listItems(ctx, await awazApiRequest.call(ctx, request), request);
}

export async function searchAgents(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	const agents = await agentChoices(this);
	const results: INodeListSearchItems[] = agents.filter((agent) =>
		matches(filter, agent.name, agent.value),
	);
	return { results };
}

export async function searchPhones(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	const phones = await fetchList(this, { method: 'GET', path: PHONES_PATH });
	const results: INodeListSearchItems[] = phones
		.filter((phone) => matches(filter, phone.number, phone.id))
		.map((phone) => ({ name: String(phone.number ?? phone.id), value: String(phone.id) }));
	return { results };
}

/** Reads up to this many pages for one typed filter before handing back what it found. */
const FILTERED_PAGES_PER_REQUEST = 5;

/**
 * One page of calls per request; the list asks for the next page as the user scrolls. With a filter,
 * a page may hold no match: read on (a few pages a request) so a call on a later page is found.
 */
export async function searchCalls(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	let page = Number(paginationToken ?? 0) || 0;
	const results: INodeListSearchItems[] = [];
	const pagesToRead = filter ? FILTERED_PAGES_PER_REQUEST : 1;
	for (let read = 0; read < pagesToRead; read++) {
		const calls = await fetchList(this, { method: 'GET', path: CALLS_PATH, qs: { page } });
		if (calls.length === 0) return { results };
		results.push(...calls.filter(callMatches(filter)).map(callOption));
		page += 1;
		if (results.length > 0) break;
	}
	return { results, paginationToken: String(page) };
}

function callMatches(filter: string | undefined) {
	return (call: IDataObject) => {
		const contact = (call.contact ?? {}) as IDataObject;
		return matches(filter, contact.name, contact.phone, call.status, call.id);
	};
}

function callOption(call: IDataObject): INodeListSearchItems {
	const contact = (call.contact ?? {}) as IDataObject;
	const who = [contact.name, contact.phone].filter(Boolean).join(' ') || String(call.id);
	return { name: call.status ? `${who} (${String(call.status)})` : who, value: String(call.id) };
}
